/**
 * The ASCII side, line by line, as framing/iec62056-21.ts frames it and iec62056/ reads it:
 *
 *  - identification `/XXXZ\WIdent CR LF` (IEC 62056-21 §6.3.2),
 *  - data readout `STX data-lines "!" CR LF ETX BCC`, BCC = XOR of every byte after STX up to and
 *    including ETX (IEC 62056-21 §6.3),
 *  - P1 telegram `/Ident CR LF CR LF data-lines "!" CRC CR LF`, CRC-16/ARC over '/' … '!'
 *    (DSMR P1 5.0.2 §6.2); DSMR 2.x/3 telegrams end at "!" without one.
 *
 * Each data line is read with the decoder's own data-set parser (iec62056/data-block.ts) and value
 * rules (iec62056/values.ts), so the value shown is the value decoded.
 */
import { crc16Arc } from "../framing/crc16-arc.js";
import { type Identification, parseIdentification } from "../framing/iec62056-21-identification.js";
import { parseDataBlock } from "../iec62056/data-block.js";
import { dataSetValue } from "../iec62056/values.js";
import { hex } from "../model/bytes.js";
import { registerName } from "../obis/registry.js";
import type { Annotation } from "./annotation.js";
import { found, type WalkContext } from "./context.js";
import { formatValue } from "./cosem.js";
import { manufacturerName } from "./manufacturers.js";
import { Region } from "./region.js";

const STX = 0x02;
const ETX = 0x03;
const LF = 0x0a;
const CR = 0x0d;
const BANG = 0x21;
const SLASH = 0x2f;
/** '/' + XXX + Z + '\W' + 32 identification characters, as the framer bounds it, and CR. */
const MAX_IDENTIFICATION_LINE = 41;

type AsciiLayer = "iec62056-21" | "p1";

export class AsciiWalker {
  private readonly whole: Region;

  constructor(
    private readonly context: WalkContext,
    private readonly input: Uint8Array,
  ) {
    this.whole = Region.of(input, "input");
  }

  /** The message starting at `at`; returns where it ends, or null when none starts here. */
  walk(at: number): number | null {
    if (this.input[at] === SLASH) return this.identification(at);
    if (this.input[at] === STX) return this.readout(at);
    return null;
  }

  private get out(): Annotation {
    return this.context.out;
  }

  private identification(at: number): number | null {
    const input = this.input;
    const cr = input.subarray(at, at + MAX_IDENTIFICATION_LINE).indexOf(CR);
    if (cr < 0 || input[at + cr + 1] !== LF) return null;
    const identification = parseIdentification(this.text(at + 1, at + cr));
    if (!identification) return null;
    const lineEnd = at + cr + 2;
    const telegram = input[lineEnd] === CR && input[lineEnd + 1] === LF;
    const layer: AsciiLayer = telegram ? "p1" : "iec62056-21";
    found(this.context.findings, "protocol", layer);
    found(this.context.findings, "manufacturer", manufacturerName(identification.manufacturer));
    this.leaf(layer, at, lineEnd, telegram ? 1 : 0, {
      label: "identification",
      value: `/${identification.text}`,
      note: identificationNote(identification),
    });
    if (!telegram) return lineEnd;
    this.leaf(layer, lineEnd, lineEnd + 2, 1, {
      label: "blank line",
      value: "CR LF",
      note: "opens the data of a P1 telegram (DSMR P1 5.0.2 §6.2)",
    });
    return this.telegramData(at, lineEnd + 2);
  }

  private telegramData(at: number, from: number): number {
    const input = this.input;
    let pos = from;
    while (pos < input.length) {
      if (input[pos] === BANG) {
        const end = this.crcLine(at, pos);
        this.group("p1", at, end, "P1 telegram");
        return end;
      }
      if (input[pos] === SLASH || input[pos] === STX) break;
      pos = this.dataLine("p1", pos, input.length);
    }
    return this.cutShort("p1", at, pos, "P1 telegram");
  }

  /** "!" + up to 4 hex digits + CR LF: the telegram's end and its CRC. */
  private crcLine(at: number, bang: number): number {
    const input = this.input;
    let digits = 0;
    while (digits < 4 && isHexDigit(input[bang + 1 + digits])) digits++;
    let end = bang + 1 + digits;
    if (input[end] === CR && input[end + 1] === LF) end += 2;
    const written = this.text(bang + 1, bang + 1 + digits);
    let note: string;
    if (digits === 0) {
      note = "no CRC: a DSMR 2.x/3 telegram carries none";
    } else if (digits < 4) {
      note = `a CRC of ${digits} digits, not 4`;
      this.out.issue({
        code: "frame-crc16",
        message: `frame discarded (crc16: checksum field has ${digits} digits, not 4)`,
      });
    } else {
      const computed = crc16Arc(input, at, bang + 1);
      const ok = Number.parseInt(written, 16) === computed;
      note = ok
        ? "CRC-16/ARC over '/' … '!': OK"
        : `CRC-16/ARC over '/' … '!' does not match: computed ${hex(computed >> 8)}${hex(computed & 0xff)}`;
      if (!ok)
        this.out.issue({
          code: "frame-crc16",
          message: `frame discarded (crc16: CRC sent ${written.toUpperCase()}, computed ${hex(computed >> 8)}${hex(computed & 0xff)})`,
        });
    }
    this.leaf("p1", bang, end, 1, { label: "end of telegram and CRC", value: `!${written}`, note });
    return end;
  }

  private readout(at: number): number | null {
    const input = this.input;
    if (!isReadoutText(input, at + 1)) return null;
    found(this.context.findings, "protocol", "iec62056-21");
    this.leaf("iec62056-21", at, at + 1, 1, { label: "STX", value: "02", note: "start of text" });
    let pos = at + 1;
    while (pos < input.length && input[pos] !== ETX) {
      if (input[pos] === STX || (input[pos] === SLASH && input[pos - 1] === LF)) {
        return this.cutShort("iec62056-21", at, pos, "data readout");
      }
      if (input[pos] === BANG) {
        const end = lineEnd(input, pos, input.length);
        this.leaf("iec62056-21", pos, end, 1, {
          label: "end of data",
          value: this.text(pos, end).trim(),
          note: "closes the data block (IEC 62056-21 §6.3)",
        });
        pos = end;
      } else {
        pos = this.dataLine("iec62056-21", pos, input.length);
      }
    }
    if (pos + 1 >= input.length) return this.cutShort("iec62056-21", at, pos, "data readout");
    this.leaf("iec62056-21", pos, pos + 1, 1, { label: "ETX", value: "03", note: "end of text" });
    let bcc = 0;
    for (let i = at + 1; i <= pos; i++) bcc ^= input[i]!;
    const sent = input[pos + 1]!;
    this.leaf("iec62056-21", pos + 1, pos + 2, 1, {
      label: "BCC",
      value: hex(sent),
      note:
        sent === bcc
          ? "block check character (XOR after STX up to ETX): OK"
          : `block check character does not match: computed ${hex(bcc)}`,
    });
    if (sent !== bcc)
      this.out.issue({
        code: "frame-bcc",
        message: `frame discarded (bcc: BCC sent ${hex(sent)}, computed ${hex(bcc)})`,
      });
    this.group("iec62056-21", at, pos + 2, "data readout");
    return pos + 2;
  }

  /** One line of data sets, CR LF included; returns where it ends. */
  private dataLine(layer: AsciiLayer, start: number, limit: number): number {
    const end = lineEnd(this.input, start, limit);
    const text = this.text(start, end);
    const { dataSets } = parseDataBlock(text);
    const [set] = dataSets;
    if (dataSets.length === 1 && set) {
      const addressEnd = start + text.indexOf(set.address) + set.address.length;
      const name = registerName(set.address);
      this.leaf(layer, start, addressEnd, 1, { label: "OBIS code", value: set.address, note: name });
      const { value, capturedAt } = dataSetValue(set);
      this.leaf(layer, addressEnd, end, 1, {
        label: `${name} (${set.address})`,
        value: formatValue(value),
        note: `as written: ${text.slice(addressEnd - start).trim()}${capturedAt ? `; captured ${capturedAt}` : ""}`,
      });
    } else if (dataSets.length > 1) {
      this.leaf(layer, start, end, 1, {
        label: "data sets",
        value: dataSets
          .map((each) => `${each.address} = ${formatValue(dataSetValue(each).value)}`)
          .join("; "),
      });
    } else {
      this.leaf(layer, start, end, 1, { label: "line", value: text.trim(), note: "not a data set" });
    }
    return end;
  }

  /** A readout or telegram the input ends (or the next message starts) inside. */
  private cutShort(layer: AsciiLayer, at: number, end: number, what: string): number {
    this.group(layer, at, end, `${what} (cut short)`);
    this.out.issue({
      code: "truncated",
      message: `the ${what} at offset ${at} ends before its ${layer === "p1" ? "'!' and CRC" : "ETX and BCC"}`,
    });
    return end;
  }

  private text(start: number, end: number): string {
    return Buffer.from(this.input.subarray(start, end)).toString("latin1");
  }

  private leaf(
    layer: AsciiLayer,
    start: number,
    end: number,
    depth: number,
    fields: { label: string; value: string; note?: string },
  ): void {
    this.out.leaf(this.whole, start, end, depth, { layer, ...fields });
  }

  private group(layer: AsciiLayer, start: number, end: number, label: string): void {
    this.out.group(this.whole, start, end, 0, { layer, label, value: `${end - start} bytes` });
  }
}

/**
 * A readout is ISO 646 text (IEC 62056-21 §6.3): up to its ETX (or the end of the input) only
 * printable characters, CR, LF and a line-opening STX or '/' of a message that cuts it short. An STX
 * in binary data is no readout.
 */
function isReadoutText(input: Uint8Array, from: number): boolean {
  for (let i = from; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === ETX || byte === STX) return true;
    if (byte !== CR && byte !== LF && (byte < 0x20 || byte > 0x7e)) return false;
  }
  return true;
}

/** One past the line's LF, or `limit`. */
function lineEnd(input: Uint8Array, start: number, limit: number): number {
  const lf = input.subarray(start, limit).indexOf(LF);
  return lf < 0 ? limit : start + lf + 1;
}

function isHexDigit(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}

/** IEC 62056-21 §6.3.2 and §6.3.14: manufacturer, baud character, enhanced capability. */
function identificationNote(identification: Identification): string {
  const parts = [`manufacturer ${manufacturerName(identification.manufacturer)}`];
  parts.push(
    identification.baudRate === null
      ? `baud character ${identification.baudChar}`
      : `baud character ${identification.baudChar}: ${identification.baudRate} Bd (mode ${identification.mode})`,
  );
  if (identification.modeE !== null)
    parts.push(
      `\\${identification.modeE}: ${identification.modeE === "2" ? "binary mode E (HDLC)" : "enhanced mode"}`,
    );
  return parts.join(", ");
}
