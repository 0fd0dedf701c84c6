/**
 * General Block Transfer reassembly (DLMS Green Book §9.1.4.6.12). E450s split long pushes into GBT
 * blocks, one per HDLC frame, and never use HDLC segmentation (scs/smartmeter-datacollector
 * tests/testdata/lg_e450.py, esphome-libs/dlms_parser tests/dumps/hdlc_landis_gyr_e450.log):
 *
 *   E0 | block-control (b7 last, b6 streaming, b0–5 window) | block-number u16 | ack u16 | length | data
 *
 * Blocks are joined in block-number order. A push may start mid-stream (resync on block 1); a
 * duplicate or out-of-order block spoils the push; a push whose blocks stop arriving is dropped after
 * a timeout (blocks can be ~3 s apart, esphome PR #16942). A partial push is never emitted.
 */
import { DecodeError } from "../model/issue.js";
import { concat } from "../model/bytes.js";
import { Reader } from "./axdr.js";

export const GBT_TAG = 0xe0;
const DEFAULT_TIMEOUT_MS = 4_000;
const MAX_BLOCKS = 256;

export interface GbtBlock {
  readonly last: boolean;
  readonly number: number;
  readonly data: Uint8Array;
}

export type GbtProblem = "gbt-duplicate" | "gbt-out-of-order" | "gbt-incomplete" | "gbt-overflow";

export type GbtResult =
  | { readonly kind: "apdu"; readonly apdu: Uint8Array }
  | { readonly kind: "pending" }
  | { readonly kind: "rejected"; readonly problem: GbtProblem; readonly detail: string };

export function parseGbtBlock(apdu: Uint8Array): GbtBlock {
  const reader = new Reader(apdu);
  if (reader.u8() !== GBT_TAG) throw new DecodeError("malformed", "not a general-block-transfer APDU");
  const control = reader.u8();
  const number = reader.u16();
  reader.u16(); // block-number-ack: meaningful only to a client acknowledging blocks
  const length = reader.length();
  const data = reader.take(length);
  if (reader.remaining !== 0)
    throw new DecodeError("malformed", `${reader.remaining} byte(s) after GBT block data`);
  return { last: (control & 0x80) !== 0, number, data };
}

export class GbtReassembler {
  private blocks: Uint8Array[] = [];
  private lastNumber = 0;
  private lastBlockAt = 0;

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  get pending(): boolean {
    return this.blocks.length > 0;
  }

  /** Returns the complete APDU when `block` is the last one, and says why a push was spoilt. */
  push(block: GbtBlock, now: number): GbtResult[] {
    const results: GbtResult[] = this.expire(now);
    if (block.number === 1) {
      if (this.pending)
        results.push(this.abandon("gbt-incomplete", `a new push began after block ${this.lastNumber}`));
    } else if (!this.pending) {
      results.push({
        kind: "rejected",
        problem: "gbt-out-of-order",
        detail: `block ${block.number} without the blocks before it`,
      });
      return results;
    } else if (block.number === this.lastNumber) {
      results.push(this.abandon("gbt-duplicate", `block ${block.number} received twice`));
      return results;
    } else if (block.number !== this.lastNumber + 1) {
      results.push(this.abandon("gbt-out-of-order", `block ${block.number} after block ${this.lastNumber}`));
      return results;
    }
    this.blocks.push(block.data);
    this.lastNumber = block.number;
    this.lastBlockAt = now;
    if (this.blocks.length > MAX_BLOCKS) {
      results.push(this.abandon("gbt-overflow", `more than ${MAX_BLOCKS} blocks`));
      return results;
    }
    if (block.last) {
      const apdu = concat(this.blocks);
      this.blocks = [];
      results.push({ kind: "apdu", apdu });
    } else {
      results.push({ kind: "pending" });
    }
    return results;
  }

  /** When the push in progress is overdue (expire() then drops it); null while none is pending. */
  get deadline(): number | null {
    return this.pending ? this.lastBlockAt + this.timeoutMs + 1 : null;
  }

  /** Drops a push whose next block is overdue; call at `deadline`. */
  expire(now: number): GbtResult[] {
    if (!this.pending || now - this.lastBlockAt <= this.timeoutMs) return [];
    return [
      this.abandon("gbt-incomplete", `no block after block ${this.lastNumber} for ${this.timeoutMs} ms`),
    ];
  }

  /** At the end of a finite stream: whatever is still pending is incomplete. */
  finish(): GbtResult[] {
    return this.pending
      ? [this.abandon("gbt-incomplete", `the stream ended after block ${this.lastNumber}`)]
      : [];
  }

  private abandon(problem: GbtProblem, detail: string): GbtResult {
    this.blocks = [];
    this.lastNumber = 0;
    return { kind: "rejected", problem, detail };
  }
}
