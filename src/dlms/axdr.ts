/**
 * A-XDR decoding of DLMS `Data` (IEC 62056-6-2 / DLMS Green Book §9.5, whose Data CHOICE numbers the
 * tags). Integers wider than 32 bits stay bigint so that long64 energy registers (E570, in
 * scs/smartmeter-datacollector tests/testdata/lg_e570.py) keep every digit.
 */
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";

export type DlmsData =
  | { readonly type: "null" }
  | { readonly type: "array"; readonly items: readonly DlmsData[] }
  | { readonly type: "structure"; readonly items: readonly DlmsData[] }
  | { readonly type: "boolean"; readonly value: boolean }
  | { readonly type: "bit-string"; readonly bits: number; readonly bytes: Uint8Array }
  | { readonly type: "integer"; readonly tag: number; readonly value: bigint }
  | { readonly type: "enum"; readonly value: number }
  | { readonly type: "octet-string"; readonly bytes: Uint8Array }
  | { readonly type: "visible-string"; readonly text: string }
  | { readonly type: "utf8-string"; readonly text: string }
  | { readonly type: "bcd"; readonly value: number }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "date-time" | "date" | "time"; readonly bytes: Uint8Array };

enum Tag {
  Null = 0x00,
  Array = 0x01,
  Structure = 0x02,
  Boolean = 0x03,
  BitString = 0x04,
  DoubleLong = 0x05,
  DoubleLongUnsigned = 0x06,
  OctetString = 0x09,
  VisibleString = 0x0a,
  Utf8String = 0x0c,
  Bcd = 0x0d,
  Integer = 0x0f,
  Long = 0x10,
  Unsigned = 0x11,
  LongUnsigned = 0x12,
  CompactArray = 0x13,
  Long64 = 0x14,
  Long64Unsigned = 0x15,
  Enum = 0x16,
  Float32 = 0x17,
  Float64 = 0x18,
  DateTime = 0x19,
  Date = 0x1a,
  Time = 0x1b,
}

/** Fixed-size integer tags: byte width and signedness. */
const INTEGERS: Readonly<Record<number, { width: number; signed: boolean }>> = {
  [Tag.DoubleLong]: { width: 4, signed: true },
  [Tag.DoubleLongUnsigned]: { width: 4, signed: false },
  [Tag.Integer]: { width: 1, signed: true },
  [Tag.Long]: { width: 2, signed: true },
  [Tag.Unsigned]: { width: 1, signed: false },
  [Tag.LongUnsigned]: { width: 2, signed: false },
  [Tag.Long64]: { width: 8, signed: true },
  [Tag.Long64Unsigned]: { width: 8, signed: false },
};

/** Guards against a corrupt length making us recurse or allocate without bound. */
const MAX_DEPTH = 16;
const textDecoder = new TextDecoder("latin1");
const utf8Decoder = new TextDecoder("utf-8");

/** A cursor over a byte array that throws DecodeError("truncated") instead of reading past the end. */
export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public offset = 0,
    readonly end = bytes.length,
  ) {}

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  u16(): number {
    return (this.u8() << 8) | this.u8();
  }

  u32(): number {
    return ((this.u16() << 16) >>> 0) + this.u16();
  }

  take(length: number): Uint8Array {
    this.need(length);
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** A-XDR / BER length: one byte below 0x80, else 0x8n followed by n big-endian bytes. */
  length(): number {
    const first = this.u8();
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DecodeError("malformed", `invalid length prefix 0x${hex(first)}`);
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 256 + this.u8();
    return value;
  }

  need(length: number): void {
    if (length > this.remaining) {
      throw new DecodeError(
        "truncated",
        `needs ${length} byte(s) at offset ${this.offset}, only ${this.remaining} left`,
      );
    }
  }
}

export function decodeData(reader: Reader, depth = 0): DlmsData {
  if (depth > MAX_DEPTH) throw new DecodeError("malformed", "data nested deeper than 16 levels");
  const tagOffset = reader.offset;
  const tag = reader.u8();
  const integer = INTEGERS[tag];
  if (integer) return { type: "integer", tag, value: readInteger(reader, integer.width, integer.signed) };
  switch (tag) {
    case Tag.Null:
      return { type: "null" };
    case Tag.Array:
    case Tag.Structure: {
      const count = reader.length();
      // Every element takes at least one byte: a count beyond the rest is corruption, not a big list.
      if (count > reader.remaining) {
        throw new DecodeError(
          "truncated",
          `${count} elements announced at offset ${tagOffset}, ${reader.remaining} bytes left`,
        );
      }
      const items: DlmsData[] = [];
      for (let i = 0; i < count; i++) {
        const swapped = i === 0 && tag === Tag.Structure ? swappedObisTag(reader) : null;
        items.push(swapped ?? decodeData(reader, depth + 1));
      }
      return { type: tag === Tag.Array ? "array" : "structure", items };
    }
    case Tag.Boolean:
      return { type: "boolean", value: reader.u8() !== 0 };
    case Tag.BitString: {
      const bits = reader.length();
      return { type: "bit-string", bits, bytes: reader.take(Math.ceil(bits / 8)) };
    }
    case Tag.OctetString:
      return { type: "octet-string", bytes: reader.take(reader.length()) };
    case Tag.VisibleString:
      return { type: "visible-string", text: textDecoder.decode(reader.take(reader.length())) };
    case Tag.Utf8String:
      return { type: "utf8-string", text: utf8Decoder.decode(reader.take(reader.length())) };
    case Tag.Bcd:
      return { type: "bcd", value: reader.u8() };
    case Tag.Enum:
      return { type: "enum", value: reader.u8() };
    case Tag.Float32:
      return { type: "float", value: new DataView(copy(reader.take(4))).getFloat32(0) };
    case Tag.Float64:
      return { type: "float", value: new DataView(copy(reader.take(8))).getFloat64(0) };
    case Tag.DateTime:
      return { type: "date-time", bytes: reader.take(12) };
    case Tag.Date:
      return { type: "date", bytes: reader.take(5) };
    case Tag.Time:
      return { type: "time", bytes: reader.take(4) };
    case Tag.CompactArray:
      throw new DecodeError("unsupported", `compact-array at offset ${tagOffset} is not supported`);
    default:
      throw new DecodeError("malformed", `unknown data tag 0x${hex(tag)} at offset ${tagOffset}`);
  }
}

/**
 * Landis+Gyr ZMF100 firmware writes the OBIS code that opens a register structure as `06 09` instead
 * of `09 06` (octet-string, 6 bytes) — esphome-libs/dlms_parser
 * tests/expected/hdlc_landis_gyr_zmf100.h. Read as written, 06 is a double-long-unsigned and the rest
 * of the push derails. Taken as the quirk only where it cannot be a real value: first in a structure,
 * followed by six bytes that form a plausible OBIS code (A ≤ 15, F = 255).
 */
function swappedObisTag(reader: Reader): DlmsData | null {
  const at = reader.offset;
  if (
    reader.remaining < 8 ||
    reader.bytes[at] !== Tag.DoubleLongUnsigned ||
    reader.bytes[at + 1] !== Tag.OctetString
  ) {
    return null;
  }
  if (reader.bytes[at + 2]! > 15 || reader.bytes[at + 7] !== 0xff) return null;
  reader.offset += 2;
  return { type: "octet-string", bytes: reader.take(6) };
}

function readInteger(reader: Reader, width: number, signed: boolean): bigint {
  if (width <= 4) {
    // Up to 32 bits fits a double exactly; one BigInt conversion is far cheaper than BigInt shifts.
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + reader.u8();
    if (signed && value >= 2 ** (width * 8 - 1)) value -= 2 ** (width * 8);
    return BigInt(value);
  }
  const bytes = reader.take(width);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return signed ? BigInt.asIntN(width * 8, value) : value;
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}
