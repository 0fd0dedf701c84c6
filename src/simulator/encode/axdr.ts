/**
 * A-XDR encoder for the DLMS data types an E450 push uses (IEC 62056-6-2 §4.1.5).
 * Values are built as a typed tree so a wrong width or an out-of-range number fails where it is made.
 */
import { concat } from "../../model/bytes.js";

export type AxdrData =
  | { readonly type: "null" }
  | { readonly type: "structure"; readonly items: readonly AxdrData[] }
  | { readonly type: "array"; readonly items: readonly AxdrData[] }
  | { readonly type: "octet-string"; readonly bytes: Uint8Array }
  | { readonly type: "visible-string"; readonly text: string }
  | { readonly type: IntegerType; readonly value: number }
  | { readonly type: "enum"; readonly value: number };

type IntegerType = "int8" | "int16" | "int32" | "uint8" | "uint16" | "uint32";

/** Tag and byte width of each integer type, with its range. */
const INTEGER_TYPES: Record<IntegerType, { tag: number; width: 1 | 2 | 4; min: number; max: number }> = {
  int32: { tag: 0x05, width: 4, min: -0x8000_0000, max: 0x7fff_ffff },
  uint32: { tag: 0x06, width: 4, min: 0, max: 0xffff_ffff },
  int8: { tag: 0x0f, width: 1, min: -0x80, max: 0x7f },
  int16: { tag: 0x10, width: 2, min: -0x8000, max: 0x7fff },
  uint8: { tag: 0x11, width: 1, min: 0, max: 0xff },
  uint16: { tag: 0x12, width: 2, min: 0, max: 0xffff },
};

const TAG = {
  null: 0x00,
  array: 0x01,
  structure: 0x02,
  octetString: 0x09,
  visibleString: 0x0a,
  enum: 0x16,
} as const;

function integer(type: IntegerType, value: number): AxdrData {
  const spec = INTEGER_TYPES[type];
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new RangeError(`${value} does not fit A-XDR ${type}`);
  }
  return { type, value };
}

export const axdr = {
  null: (): AxdrData => ({ type: "null" }),
  structure: (...items: AxdrData[]): AxdrData => ({ type: "structure", items }),
  array: (items: readonly AxdrData[]): AxdrData => ({ type: "array", items }),
  octetString: (bytes: Uint8Array): AxdrData => ({ type: "octet-string", bytes }),
  /** An octet-string holding ASCII text, as the E450 sends its serial and logical device name (EKZ). */
  asciiOctetString: (text: string): AxdrData => ({ type: "octet-string", bytes: asciiBytes(text) }),
  visibleString: (text: string): AxdrData => ({ type: "visible-string", text }),
  int8: (value: number) => integer("int8", value),
  int16: (value: number) => integer("int16", value),
  int32: (value: number) => integer("int32", value),
  uint8: (value: number) => integer("uint8", value),
  uint16: (value: number) => integer("uint16", value),
  uint32: (value: number) => integer("uint32", value),
  enum: (value: number): AxdrData => {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      throw new RangeError(`${value} is not an enum`);
    return { type: "enum", value };
  },
};

export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) throw new RangeError(`non-ASCII character in "${text}"`);
    bytes[i] = code;
  }
  return bytes;
}

/** A-XDR/BER length: one byte below 0x80, else 0x81 nn or 0x82 nn nn (definite form, ITU-T X.690 §8.1.3). */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) throw new RangeError(`length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  return Uint8Array.of(0x82, length >>> 8, length & 0xff);
}

export function encodeAxdr(data: AxdrData): Uint8Array {
  const parts: Uint8Array[] = [];
  writeData(data, parts);
  return concat(parts);
}

function writeData(data: AxdrData, out: Uint8Array[]): void {
  switch (data.type) {
    case "null":
      out.push(Uint8Array.of(TAG.null));
      return;
    case "structure":
    case "array":
      out.push(
        Uint8Array.of(data.type === "array" ? TAG.array : TAG.structure),
        encodeLength(data.items.length),
      );
      for (const item of data.items) writeData(item, out);
      return;
    case "octet-string":
      out.push(Uint8Array.of(TAG.octetString), encodeLength(data.bytes.length), data.bytes);
      return;
    case "visible-string": {
      const bytes = asciiBytes(data.text);
      out.push(Uint8Array.of(TAG.visibleString), encodeLength(bytes.length), bytes);
      return;
    }
    case "enum":
      out.push(Uint8Array.of(TAG.enum, data.value));
      return;
    default: {
      const spec = INTEGER_TYPES[data.type];
      const bytes = new Uint8Array(1 + spec.width);
      bytes[0] = spec.tag;
      const view = new DataView(bytes.buffer);
      if (spec.width === 1) view.setUint8(1, data.value & 0xff);
      else if (spec.width === 2) view.setUint16(1, data.value & 0xffff);
      else view.setUint32(1, data.value >>> 0);
      out.push(bytes);
    }
  }
}
