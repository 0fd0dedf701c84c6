/**
 * HDLC frame (IEC 62056-46 §6.4): 7E | format A0/A8 + 11-bit length | dest | src |
 * control | HCS | information | FCS | 7E. The length counts every byte between the flags; HCS covers
 * format … control, FCS format … end of information, both CRC-16/X.25 sent least significant byte first.
 */
import { crc16x25 } from "../../framing/crc.js";

const FLAG = 0x7e;
const FORMAT_TYPE_3 = 0xa0;
const SEGMENTATION_BIT = 0x08;
const MAX_FRAME_LENGTH = 0x7ff;

export interface HdlcFrameSpec {
  /** Address bytes as sent: every byte but the last has LSB 0, the last LSB 1. */
  readonly destination: Uint8Array;
  readonly source: Uint8Array;
  readonly control: number;
  readonly information: Uint8Array;
  /** S bit: more segments follow (no E450 capture sets it: the E450 uses GBT instead). */
  readonly segmented?: boolean;
}

/** Bytes between the flags that are not information: format, addresses, control, HCS, FCS. */
export function hdlcOverhead(destination: Uint8Array, source: Uint8Array): number {
  return 2 + destination.length + source.length + 1 + 2 + 2;
}

export function buildHdlcFrame(spec: HdlcFrameSpec): Uint8Array {
  checkAddress(spec.destination, "destination");
  checkAddress(spec.source, "source");
  const hasInformation = spec.information.length > 0;
  const headerLength = 2 + spec.destination.length + spec.source.length + 1;
  const length = headerLength + (hasInformation ? 2 + spec.information.length : 0) + 2;
  if (length > MAX_FRAME_LENGTH)
    throw new RangeError(`HDLC frame of ${length} bytes exceeds the 11-bit length`);

  const frame = new Uint8Array(length + 2);
  frame[0] = FLAG;
  frame[1] = FORMAT_TYPE_3 | (spec.segmented ? SEGMENTATION_BIT : 0) | (length >>> 8);
  frame[2] = length & 0xff;
  let offset = 3;
  frame.set(spec.destination, offset);
  offset += spec.destination.length;
  frame.set(spec.source, offset);
  offset += spec.source.length;
  frame[offset++] = spec.control;
  if (hasInformation) {
    offset = writeCrc(frame, offset); // HCS; a frame without information carries only the FCS
    frame.set(spec.information, offset);
    offset += spec.information.length;
  }
  offset = writeCrc(frame, offset);
  frame[offset] = FLAG;
  return frame;
}

function writeCrc(frame: Uint8Array, end: number): number {
  const crc = crc16x25(frame, 1, end);
  frame[end] = crc & 0xff;
  frame[end + 1] = crc >>> 8;
  return end + 2;
}

function checkAddress(address: Uint8Array, name: string): void {
  const valid =
    address.length >= 1 &&
    address.length <= 4 &&
    address.every((byte, index) => (byte & 1) === (index === address.length - 1 ? 1 : 0));
  if (!valid) throw new RangeError(`HDLC ${name} address must be 1–4 bytes with only the last LSB set`);
}
