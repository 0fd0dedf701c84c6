/**
 * A-XDR `Data` with byte offsets (IEC 62056-6-2 / DLMS Green Book §9.5: tag, BER length for the
 * variable-size types, big-endian content). The values come from the decoder itself
 * (dlms/axdr.ts decodeData): this walker only finds where each element's tag, length and content
 * lie, so what it labels is what the decoder read. Where the body does not decode, it labels the
 * elements it can and leaves the rest as unparsed bytes with the decoder's reason.
 */
import { type DlmsData, decodeData, Reader } from "../dlms/axdr.js";
import { parseCosemDateTime } from "../dlms/datetime.js";
import { asObis, asScalerUnit, isPrintable } from "../dlms/layouts/obis-shape.js";
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";
import { formatObis } from "../obis/obis.js";
import { registerName } from "../obis/registry.js";
import type { Annotation, Fields } from "./annotation.js";
import { unlessRejected } from "./context.js";
import { type BodyMeaning, className, unitName } from "./cosem.js";
import type { Region } from "./region.js";

/** Tag → the Green Book name of the Data CHOICE, with the plain type where it helps. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "null-data",
  1: "array",
  2: "structure",
  3: "boolean",
  4: "bit-string",
  5: "double-long (int32)",
  6: "double-long-unsigned (uint32)",
  9: "octet-string",
  10: "visible-string",
  12: "utf8-string",
  13: "bcd",
  15: "integer (int8)",
  16: "long (int16)",
  17: "unsigned (uint8)",
  18: "long-unsigned (uint16)",
  19: "compact-array",
  20: "long64 (int64)",
  21: "long64-unsigned (uint64)",
  22: "enum",
  23: "float32",
  24: "float64",
  25: "date-time",
  26: "date",
  27: "time",
};

/** Tags followed by a BER length before their content. */
const LENGTH_PREFIXED: ReadonlySet<number> = new Set([0x04, 0x09, 0x0a, 0x0c]);
/** decodeData refuses deeper nesting; the tolerant walk stops there too. */
const MAX_DEPTH = 16;

/** What an element is to the element around it: named fields of a scaler_unit or capture object. */
type Role = "scaler" | "unit" | "class id" | "attribute index" | "data index" | null;

const ROLES_IN_SCALER_UNIT: readonly Role[] = ["scaler", "unit"];
const ROLES_IN_CAPTURE_OBJECT: readonly Role[] = ["class id", null, "attribute index", "data index"];

export class AxdrWalker {
  constructor(
    private readonly out: Annotation,
    private readonly region: Region,
    private readonly meaning: BodyMeaning,
  ) {}

  /**
   * Labels the notification body at `start` and everything in it: `body` is what decodeData read
   * there (the very objects the layout recognised), null when it does not decode. Returns where the
   * body ends, or null when it does not decode (the bytes from the failure on are labelled unparsed).
   */
  walkBody(start: number, depth: number, body: DlmsData | null): number | null {
    if (body === null) return this.tolerant(start, depth, 0);
    return this.place(body, start, depth, { first: false, role: null, label: "notification body" });
  }

  /** A decoded element at `at`: its tag, length and content, then its elements. Returns its end. */
  private place(
    node: DlmsData,
    at: number,
    depth: number,
    hint: { first: boolean; role: Role; label?: string },
  ): number {
    const bytes = this.region.bytes;
    const tag = bytes[at]!;
    if (node.type === "array" || node.type === "structure") return this.placeContainer(node, at, depth, hint);
    // The ZMF100's swapped OBIS tag, read by decodeData as an octet-string (dlms/axdr.ts swappedObisTag).
    if (node.type === "octet-string" && hint.first && tag === 0x06 && bytes[at + 1] === 0x09) {
      this.leaf(at, at + 2, depth, {
        layer: "axdr",
        label: "type (swapped)",
        value: "octet-string, 6 bytes, written 06 09",
        note: "Landis+Gyr ZMF100 firmware writes 06 09 for 09 06 (esphome-libs/dlms_parser tests/expected/hdlc_landis_gyr_zmf100.h)",
      });
      this.leaf(at + 2, at + 8, depth, this.content(node, hint.role));
      return at + 8;
    }
    const reader = new Reader(bytes, at);
    decodeData(reader);
    const end = reader.offset;
    this.leaf(at, at + 1, depth, { layer: "axdr", label: "type", value: typeName(tag) });
    let contentStart = at + 1;
    if (LENGTH_PREFIXED.has(tag)) {
      const lengthReader = new Reader(bytes, at + 1);
      const length = lengthReader.length();
      contentStart = lengthReader.offset;
      this.leaf(at + 1, contentStart, depth, {
        layer: "axdr",
        label: "length",
        value: tag === 0x04 ? `${length} bits` : `${length} bytes`,
      });
    }
    this.leaf(contentStart, end, depth, this.content(node, hint.role));
    return end;
  }

  private placeContainer(
    node: Extract<DlmsData, { type: "array" | "structure" }>,
    at: number,
    depth: number,
    hint: { label?: string },
  ): number {
    const countReader = new Reader(this.region.bytes, at + 1);
    const count = countReader.length();
    this.leaf(at, at + 1, depth + 1, {
      layer: "axdr",
      label: "type",
      value: typeName(this.region.bytes[at]!),
    });
    this.leaf(at + 1, countReader.offset, depth + 1, {
      layer: "axdr",
      label: "count",
      value: `${count} element${count === 1 ? "" : "s"}`,
    });
    const roles = roleNames(node);
    let offset = countReader.offset;
    node.items.forEach((item, index) => {
      offset = this.place(item, offset, depth + 1, {
        first: index === 0 && node.type === "structure",
        role: roles[index] ?? null,
      });
    });
    this.group(at, offset, depth, {
      layer: "axdr",
      label: hint.label ?? containerLabel(node),
      value: `${node.type}, ${count} element${count === 1 ? "" : "s"}`,
      ...(hint.label && this.meaning.layout ? { note: `layout: ${this.meaning.layout}` } : {}),
    });
    return offset;
  }

  /**
   * Walks what still decodes of a body that does not: containers element by element, so that the
   * good part before a bad element is labelled. Returns the end, or null after labelling the rest
   * of the region unparsed.
   */
  private tolerant(at: number, depth: number, nesting: number): number | null {
    const bytes = this.region.bytes;
    const reader = new Reader(bytes, at);
    try {
      const node = decodeData(reader);
      return this.place(node, at, depth, { first: false, role: null });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const tag = bytes[at];
      if ((tag === 0x01 || tag === 0x02) && nesting < MAX_DEPTH) {
        const counted = readCount(bytes, at);
        if (counted) {
          this.leaf(at, at + 1, depth + 1, { layer: "axdr", label: "type", value: typeName(tag) });
          this.leaf(at + 1, counted.end, depth + 1, {
            layer: "axdr",
            label: "count",
            value: `${counted.count} elements announced`,
          });
          let offset: number | null = counted.end;
          for (let i = 0; i < counted.count && offset !== null; i++) {
            if (offset >= bytes.length) {
              this.out.issue({
                code: "truncated",
                message: `the ${tag === 1 ? "array" : "structure"} at offset ${at} announces ${counted.count} elements; the data ends after ${i}`,
              });
              return null;
            }
            offset = this.tolerant(offset, depth + 1, nesting + 1);
          }
          return offset;
        }
      }
      this.out.unparsed(this.region, at, bytes.length, depth + 1, {
        code: error.code,
        message: `A-XDR data at offset ${at} does not decode: ${error.message}`,
      });
      return null;
    }
  }

  /** The content of an element: its COSEM meaning where the layout or its shape gives one. */
  private content(node: DlmsData, role: Role): Fields {
    const register = this.meaning.registers.get(node);
    if (register) {
      return {
        layer: "cosem",
        label: `${register.name} (${register.obis})`,
        value: register.value ?? plainValue(node),
        note: register.note,
      };
    }
    const obis = asObis(node);
    if (obis) {
      const code = formatObis(obis);
      return { layer: "cosem", label: "OBIS code", value: code, note: registerName(code) };
    }
    if (node.type === "octet-string" && node.bytes.length === 12) {
      const time = parseCosemDateTime(node.bytes);
      if (time) return { layer: "cosem", label: "date-time", value: time.local, note: clockNote(node.bytes) };
    }
    if (role === "scaler" && node.type === "integer")
      return { layer: "cosem", label: "scaler", value: `10^${node.value}` };
    if (role === "unit" && node.type === "enum")
      return { layer: "cosem", label: "unit", value: unitName(node.value) };
    if (role === "class id" && node.type === "integer")
      return { layer: "cosem", label: "class id", value: className(Number(node.value)) };
    if (role !== null) return { layer: "cosem", label: role, value: plainValue(node) };
    return { layer: "axdr", label: "value", value: plainValue(node) };
  }

  private leaf(start: number, end: number, depth: number, fields: Fields): void {
    this.out.leaf(this.region, start, end, depth, fields);
  }

  private group(start: number, end: number, depth: number, fields: Fields): void {
    this.out.group(this.region, start, end, depth, fields);
  }
}

function typeName(tag: number): string {
  return TYPE_NAMES[tag] ?? `unknown type ${hex(tag)}`;
}

/** Named fields of the structures whose shape COSEM fixes. */
function roleNames(node: Extract<DlmsData, { type: "array" | "structure" }>): readonly Role[] {
  if (node.type !== "structure") return [];
  if (asScalerUnit(node)) return ROLES_IN_SCALER_UNIT;
  return isCaptureObject(node) ? ROLES_IN_CAPTURE_OBJECT : [];
}

function containerLabel(node: Extract<DlmsData, { type: "array" | "structure" }>): string {
  if (node.type === "structure" && asScalerUnit(node)) return "scaler_unit";
  if (node.type === "structure" && isCaptureObject(node)) return "capture object";
  return node.type;
}

/** {class-id, logical-name, attribute-index, data-index} of a push object list (Blue Book class 40). */
function isCaptureObject(node: Extract<DlmsData, { type: "structure" }>): boolean {
  const [classId, name, attribute, dataIndex] = node.items;
  return (
    node.items.length === 4 &&
    classId?.type === "integer" &&
    classId.tag === 0x12 &&
    asObis(name) !== null &&
    attribute?.type === "integer" &&
    dataIndex?.type === "integer"
  );
}

function readCount(bytes: Uint8Array, at: number): { count: number; end: number } | null {
  const reader = new Reader(bytes, at + 1);
  return unlessRejected(() => ({ count: reader.length(), end: reader.offset }));
}

/** The value as the A-XDR type says, without COSEM meaning. */
function plainValue(node: DlmsData): string {
  switch (node.type) {
    case "integer":
      return node.value.toString();
    case "enum":
    case "bcd":
    case "float":
      return String(node.value);
    case "boolean":
      return node.value ? "true" : "false";
    case "octet-string":
      return isPrintable(node.bytes)
        ? `"${Buffer.from(node.bytes).toString("latin1").replace(/\0+$/, "")}"`
        : hex(node.bytes);
    case "visible-string":
    case "utf8-string":
      return `"${node.text.replace(/\0+$/, "")}"`;
    case "bit-string":
    case "date-time":
    case "date":
    case "time":
      return hex(node.bytes);
    default:
      return "";
  }
}

/** COSEM date-time deviation and clock status (Blue Book §4.1.6.1), which the decoder ignores for the E450. */
function clockNote(bytes: Uint8Array): string {
  const deviation = (bytes[9]! << 8) | bytes[10]!;
  const status = bytes[11]!;
  const offset =
    deviation === 0x8000 ? "deviation not specified" : `deviation ${(deviation << 16) >> 16} min`;
  return `${offset}, clock status ${hex(status)}${status !== 0xff && status & 0x80 ? " (daylight saving)" : ""}; read as local time`;
}
