import { describe, expect, it } from "vitest";
import { crc16Arc } from "../../../src/framing/crc16-arc.js";
import { createIec62056Framer, type Iec62056Frame } from "../../../src/framing/iec62056-21.js";
import { parseIdentification } from "../../../src/framing/iec62056-21-identification.js";
import type { FramerOutput } from "../../../src/framing/types.js";
import {
  bytesOf,
  DSMR5_CRC_MISMATCH,
  E350_READOUT,
  E360_TELEGRAM,
  fixture,
} from "../iec62056/fixture-cases.js";

type Output = FramerOutput<Iec62056Frame>;

function feed(chunks: readonly Uint8Array[], options = {}): Output[] {
  const framer = createIec62056Framer(options);
  const out: Output[] = [];
  for (const chunk of chunks) out.push(...framer.push(chunk, 0));
  out.push(...framer.flush());
  return out;
}

const whole = (bytes: Uint8Array, options = {}) => feed([bytes], options);
const e350 = bytesOf(fixture(E350_READOUT).payload);
const e360 = bytesOf(fixture(E360_TELEGRAM).payload);
const dsmr5 = bytesOf(fixture(DSMR5_CRC_MISMATCH).payload);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const ascii = (text: string) => bytesOf(text);

function frames(out: readonly Output[]): Iec62056Frame[] {
  return out.flatMap((o) => (o.kind === "frame" ? [o.frame] : []));
}

function discards(out: readonly Output[]): { reason: string; bytes: number }[] {
  return out.flatMap((o) => (o.kind === "discarded" ? [{ reason: o.reason, bytes: o.bytes }] : []));
}

describe("CRC-16/ARC", () => {
  it("gives the catalogue check value 0xBB3D for '123456789'", () => {
    expect(crc16Arc(ascii("123456789"))).toBe(0xbb3d);
  });
});

describe("IEC 62056-21 framer on the real captures", () => {
  it("E350 mode C readout: identification, then the readout with BCC 0x01", () => {
    const out = whole(e350);
    expect(out).toHaveLength(2);
    const [ident, readout] = frames(out);
    expect(ident).toMatchObject({
      type: "identification",
      identification: { text: "LGZ4ZMF100AC.M26", manufacturer: "LGZ", baudChar: "4", baudRate: 4800 },
    });
    expect(readout).toMatchObject({ type: "readout", bcc: 0x01 });
    if (readout?.type !== "readout") throw new Error("no readout");
    expect(readout.identification?.text).toBe("LGZ4ZMF100AC.M26");
    expect(readout.data.startsWith("F.F(00)\r\n0.0(          120858)\r\n")).toBe(true);
    expect(readout.data.endsWith("C.5.0(0401)\r\n!\r\n")).toBe(true);
  });

  it("E360 P1 telegram: identification, then the telegram with CRC 2154", () => {
    const out = whole(e360);
    expect(out).toHaveLength(2);
    const telegram = frames(out)[1];
    if (telegram?.type !== "telegram") throw new Error("no telegram");
    expect(telegram.crc).toBe(0x2154);
    expect(telegram.identification.text).toBe("LGF5E360");
    expect(telegram.data.startsWith("0-0:1.0.0(221215155050W)\r\n")).toBe(true);
    expect(telegram.data.endsWith("1-0:71.7.0(009.2*A)\r\n")).toBe(true);
  });

  it("DSMR v5 telegram with a line removed: rejected as crc16, the whole telegram counted", () => {
    const out = whole(dsmr5);
    expect(frames(out).map((f) => f.type)).toEqual(["identification"]);
    expect(discards(out)).toEqual([{ reason: "crc16", bytes: dsmr5.length }]);
    const detail = out[1]?.kind === "discarded" ? out[1].detail : undefined;
    expect(detail).toMatch(/^CRC sent 6EEE, computed [0-9A-F]{4}$/);
  });
});

describe("chunking never changes the output", () => {
  const stream = concat(ascii("\x00\x7f"), e350, e360, dsmr5, e350, ascii("junk"));
  const reference = whole(stream);

  it("the concatenated stream gives each frame in order", () => {
    expect(frames(reference).map((f) => f.type)).toEqual([
      "identification",
      "readout",
      "identification",
      "telegram",
      "identification",
      "identification",
      "readout",
    ]);
    expect(discards(reference)).toEqual([
      { reason: "noise", bytes: 2 },
      { reason: "crc16", bytes: dsmr5.length },
      { reason: "noise", bytes: 4 },
    ]);
  });

  it("byte by byte", () => {
    expect(feed(Array.from(stream, (b) => Uint8Array.of(b)))).toEqual(reference);
  });

  it("split at every point", () => {
    for (let at = 0; at <= stream.length; at++) {
      const out = feed([stream.subarray(0, at), stream.subarray(at)]);
      if (JSON.stringify(out) !== JSON.stringify(reference)) expect(out, `split at ${at}`).toEqual(reference);
    }
  });
});

describe("derived corruptions give the exact reason", () => {
  it("a flipped BCC is 'bcc'", () => {
    const bad = e350.slice();
    bad[bad.length - 1] = e350[e350.length - 1]! ^ 0x01;
    const out = whole(bad);
    expect(frames(out).map((f) => f.type)).toEqual(["identification"]);
    expect(discards(out)).toEqual([{ reason: "bcc", bytes: bad.length - "/LGZ4ZMF100AC.M26\r\n".length }]);
  });

  it("a flipped data byte inside the readout is 'bcc'", () => {
    const bad = e350.slice();
    const at = fixture(E350_READOUT).payload.indexOf("042951.721");
    bad[at] = 0x31; // '0' → '1'
    expect(discards(whole(bad)).map((d) => d.reason)).toEqual(["bcc"]);
  });

  it("a changed CRC digit is 'crc16'", () => {
    const bad = e360.slice();
    bad[bad.length - 3] = 0x35; // "!2154" → "!2155"
    const out = whole(bad);
    expect(discards(out)).toEqual([{ reason: "crc16", bytes: bad.length }]);
  });

  it("a readout cut short by the next one is 'truncated', and the next one still decodes", () => {
    const stx = e350.indexOf(0x02);
    const cut = e350.subarray(stx, stx + 100);
    const out = whole(concat(cut, e350));
    expect(discards(out)).toEqual([{ reason: "truncated", bytes: 100 }]);
    expect(frames(out).map((f) => f.type)).toEqual(["identification", "readout"]);
  });

  it("a telegram cut short by the next one is 'truncated'", () => {
    const out = whole(concat(e360.subarray(0, 300), e360));
    expect(discards(out)).toEqual([{ reason: "truncated", bytes: 300 }]);
    expect(frames(out).map((f) => f.type)).toEqual(["identification", "identification", "telegram"]);
  });

  it("input that ends inside a readout is 'truncated' on flush", () => {
    const out = whole(e350.subarray(0, e350.length - 1));
    expect(discards(out)).toEqual([{ reason: "truncated", bytes: e350.length - 1 - 19 }]);
  });

  it("a garbage prefix is one 'noise' discard of its exact length", () => {
    const garbage = ascii("\x15\xff\x00garbage)(*!\r\n\x03");
    const out = whole(concat(garbage, e350));
    expect(discards(out)).toEqual([{ reason: "noise", bytes: garbage.length }]);
    expect(frames(out).map((f) => f.type)).toEqual(["identification", "readout"]);
  });

  it("a frame beyond the bound is 'overlong' and the framer resynchronises", () => {
    const long = concat(ascii("\x02"), ascii("1.8.0(1*kWh)\r\n".repeat(100)), ascii("!\r\n\x03\x00"));
    const out = feed([long, e350], { maxFrameBytes: 1024 });
    expect(discards(out)).toEqual([
      { reason: "overlong", bytes: 1 + 1025 },
      { reason: "noise", bytes: long.length - 1026 },
    ]);
    expect(frames(out).map((f) => f.type)).toEqual(["identification", "readout"]);
  });

  it("a malformed checksum field is 'crc16'", () => {
    const text = fixture(E360_TELEGRAM).payload.replace("!2154", "!21");
    expect(discards(whole(ascii(text)))).toEqual([{ reason: "crc16", bytes: text.length }]);
  });
});

describe("a telegram at the end of the input (E360 P1 capture, CR LF cut off)", () => {
  const telegramOf = (out: readonly Output[]) => frames(out).find((f) => f.type === "telegram");
  const complete = telegramOf(whole(e360));

  it("is finished when its CRC verifies, without its CR LF or without its LF", () => {
    for (const cut of [2, 1]) {
      const out = whole(e360.subarray(0, e360.length - cut));
      expect(discards(out)).toEqual([]);
      expect(telegramOf(out)).toEqual(complete);
    }
  });

  it("is finished the same whichever way the input was chunked", () => {
    const cut = e360.subarray(0, e360.length - 2);
    const chunks = Array.from(cut, (byte) => Uint8Array.of(byte));
    expect(telegramOf(feed(chunks))).toEqual(complete);
  });

  it("is 'crc16' when the CRC does not verify", () => {
    const bad = e360.slice(0, e360.length - 2);
    bad[bad.length - 1] = 0x35; // "!2154" → "!2155"
    expect(whole(bad).filter((o) => o.kind === "discarded")).toEqual([
      { kind: "discarded", reason: "crc16", bytes: bad.length, detail: "CRC sent 2155, computed 2154" },
    ]);
  });

  it("is 'truncated', saying why, when the checksum may have been cut off", () => {
    const text = fixture(E360_TELEGRAM).payload;
    for (const [end, detail] of [
      ["!21", "input ended inside the telegram's checksum (2 of 4 digits)"],
      ["!", "input ended at the telegram's '!': its CRC digits may have been cut off"],
    ] as const) {
      const cut = ascii(text.slice(0, text.indexOf("!2154")) + end);
      expect(whole(cut).filter((o) => o.kind === "discarded")).toEqual([
        { kind: "discarded", reason: "truncated", bytes: cut.length, detail },
      ]);
    }
  });
});

describe("telegram and line forms", () => {
  it("accepts a DSMR 2.x/3 telegram without CRC", () => {
    const text = "/ISk5MT382-1000\r\n\r\n1-0:1.8.1(00123.456*kWh)\r\n!\r\n";
    const [, telegram] = frames(whole(ascii(text)));
    expect(telegram).toMatchObject({ type: "telegram", crc: null, data: "1-0:1.8.1(00123.456*kWh)\r\n" });
  });

  it("treats an echoed sign-on request as noise, naming it", () => {
    const out = whole(ascii("/?!\r\n"));
    expect(out).toEqual([
      { kind: "discarded", reason: "noise", bytes: 5, detail: "sign-on request (an echo of the reader)" },
    ]);
  });

  it("does not let '/' inside a value cut a readout", () => {
    const data = "0.9.2(17/11/06)\r\n!\r\n\x03";
    let bcc = 0;
    for (const ch of data) bcc ^= ch.charCodeAt(0);
    const out = whole(ascii(`\x02${data}${String.fromCharCode(bcc)}`));
    expect(frames(out)).toEqual([{ type: "readout", identification: null, data: data.slice(0, -1), bcc }]);
  });
});

describe("7E1 read as 8N1", () => {
  /** What a port set to 8N1 returns for a 7E1 line: the even-parity bit lands in bit 7. */
  const withParity = (bytes: Uint8Array) =>
    bytes.map((b) => {
      let ones = 0;
      for (let v = b; v; v >>= 1) ones += v & 1;
      return ones % 2 ? b | 0x80 : b;
    });

  it("by default is noise, with a hint naming the option", () => {
    const out = whole(withParity(e350));
    expect(frames(out)).toEqual([]);
    const detail = out.find((o) => o.kind === "discarded" && o.detail?.includes("7E1"));
    expect(detail).toBeDefined();
  });

  it("with stripParityBit decodes exactly like the 7-bit input", () => {
    expect(whole(withParity(e350), { stripParityBit: true })).toEqual(whole(e350));
  });
});

describe("parseIdentification (IEC 62056-21 §6.3.2)", () => {
  it("reads the E350's line: LGZ, mode C at 4800 Bd, 200 ms reaction", () => {
    expect(parseIdentification("LGZ4ZMF100AC.M26")).toEqual({
      text: "LGZ4ZMF100AC.M26",
      manufacturer: "LGZ",
      fastReaction: false,
      baudChar: "4",
      mode: "C",
      baudRate: 4800,
      modeE: null,
      identifier: "ZMF100AC.M26",
    });
  });

  it("reads the mode E marker and the 20 ms lower-case third letter", () => {
    expect(parseIdentification("ISk5\\2MT382-1000")).toMatchObject({
      manufacturer: "ISk",
      fastReaction: true,
      baudRate: 9600,
      modeE: "2",
      identifier: "MT382-1000",
    });
  });

  it("maps mode B letters and mode A characters", () => {
    expect(parseIdentification("ABCEmeter")).toMatchObject({ mode: "B", baudRate: 9600 });
    expect(parseIdentification("ABCAmeter")).toMatchObject({ mode: "B", baudRate: 600 });
    expect(parseIdentification("ABCGmeter")).toMatchObject({ mode: "B", baudRate: null });
    expect(parseIdentification("ABC7meter")).toMatchObject({ mode: "C", baudRate: null });
    expect(parseIdentification("ABC:meter")).toMatchObject({ mode: "A", baudRate: null });
  });

  it("refuses what is not an identification", () => {
    expect(parseIdentification("?!")).toBeNull();
    expect(parseIdentification("AB15x")).toBeNull();
    expect(parseIdentification("ABC5x/y")).toBeNull();
    expect(parseIdentification(`ABC5${"x".repeat(33)}`)).toBeNull();
  });
});
