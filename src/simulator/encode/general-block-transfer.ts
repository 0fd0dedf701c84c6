/**
 * DLMS General Block Transfer (Green Book §9.1.4.6.12) as the E450 streams long pushes (EKZ,
 * Steiermark and zero-key captures in tests/fixtures/real-frames): every HDLC frame carries one block
 * E0 | block-control | block-number u16 | block-number-ack u16 | length | data.
 * Block-control 0x40 = streaming, more blocks follow; 0xC0 = last block.
 */
import { concat } from "../../model/bytes.js";
import { encodeLength } from "./axdr.js";

const GBT_TAG = 0xe0;
const LAST_BLOCK = 0x80;
const STREAMING = 0x40;

/** The block header with a one-byte length: the capacity arithmetic below relies on it. */
export const GBT_HEADER_LENGTH = 7;

/**
 * A run of APDU bytes. The unencrypted Swiss push never splits a push-object-list entry (or the APDU
 * header) across blocks but fills the value part byte by byte: EKZ 2026 blocks carry 112, 108, 122
 * and 83 bytes, and the Cyprus push in esphome PR #16942 the same 112/108 pattern (observed).
 * Ciphertext is one splittable run (Steiermark blocks 119/122/31, observed).
 */
export interface ApduPiece {
  readonly bytes: Uint8Array;
  readonly keepWhole: boolean;
}

export interface BlockCapacity {
  /** Data bytes the first block may carry (its frame also holds the LLC header). */
  readonly first: number;
  readonly following: number;
}

/** Cuts the pieces into block payloads, filling each block as far as the rules above allow. */
export function splitIntoBlocks(pieces: readonly ApduPiece[], capacity: BlockCapacity): Uint8Array[] {
  if (capacity.first < 1 || capacity.following < 1 || capacity.first > 0x7f || capacity.following > 0x7f) {
    throw new RangeError("block capacity must be 1…127 bytes (one-byte A-XDR length)");
  }
  const blocks: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let used = 0;
  const room = () => (blocks.length === 0 ? capacity.first : capacity.following) - used;
  const closeBlock = () => {
    blocks.push(concat(current));
    current = [];
    used = 0;
  };
  for (const piece of pieces) {
    let rest = piece.bytes;
    if (piece.keepWhole && rest.length > room() && used > 0) closeBlock();
    while (rest.length > 0) {
      if (room() === 0) closeBlock();
      const take = Math.min(room(), rest.length);
      current.push(rest.subarray(0, take));
      used += take;
      rest = rest.subarray(take);
    }
  }
  if (used > 0 || blocks.length === 0) closeBlock();
  return blocks;
}

export function encodeGbtBlock(data: Uint8Array, blockNumber: number, isLast: boolean): Uint8Array {
  if (!Number.isInteger(blockNumber) || blockNumber < 1 || blockNumber > 0xffff) {
    throw new RangeError(`block number ${blockNumber}`);
  }
  return concat([
    Uint8Array.of(
      GBT_TAG,
      isLast ? LAST_BLOCK | STREAMING : STREAMING,
      blockNumber >>> 8,
      blockNumber & 0xff,
    ),
    Uint8Array.of(0x00, 0x00), // block-number-ack: a push never acknowledges anything
    encodeLength(data.length),
    data,
  ]);
}

/** Splits and wraps: the GBT blocks of one push, numbered from 1. */
export function encodeGbtBlocks(pieces: readonly ApduPiece[], capacity: BlockCapacity): Uint8Array[] {
  const payloads = splitIntoBlocks(pieces, capacity);
  return payloads.map((data, index) => encodeGbtBlock(data, index + 1, index === payloads.length - 1));
}
