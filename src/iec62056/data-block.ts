/**
 * The data block of an IEC 62056-21 readout or P1 telegram, split into data sets
 * `address(value*unit)(value*unit)…` (IEC 62056-21 §6.5 "Data set structure"; DSMR P1 5.0.2 §6.4).
 *
 * The grammar is read as meters write it, not only as the standard draws it:
 *  - a line may hold several data sets ("1.8.1(…)1.8.2(…)", §6.5 allows it),
 *  - a data set may hold several bracketed groups ("0-1:24.2.1(101209112500W)(12785.123*m3)",
 *    "1-0:99.97.0(2)(0-0:96.7.19)(…)(…)"),
 *  - a group may sit on the next line: DSMR 3 writes the gas value of 0-1:24.3.0 below the header,
 *  - the block ends at a line that starts with '!'.
 * Lines that fit none of this are returned as unparsed, never guessed at.
 */

export interface ValueGroup {
  /** The value as written, untrimmed: "042951.721", "        ", "221215155050W". */
  readonly value: string;
  /** The unit after '*', exactly as written ("kWh", "kVArh", "m3"); null when there is none. */
  readonly unit: string | null;
}

export interface DataSet {
  /** The address as written: "1-0:1.8.0", "1.8.1", "32.7", "C.1.0", "F.F", "0-1:24.2.1", "1.8.0*19". */
  readonly address: string;
  readonly groups: readonly ValueGroup[];
}

export interface DataBlock {
  readonly dataSets: readonly DataSet[];
  /** Text that is not a data set, trimmed, in order of appearance. */
  readonly unparsed: readonly string[];
}

/**
 * OBIS (full or reduced), letter codes (C.1.0, F.F) and the historical-value suffix (*19, &19): up to 7
 * groups of 1–3 letters or digits joined by '-', ':', '.', '*' or '&'. A loop, as the regular expression
 * /^[0-9A-Za-z]{1,3}(?:[-:.*&][0-9A-Za-z]{1,3}){0,6}$/ was a visible share of decoding time.
 */
export function isAddress(text: string): boolean {
  let run = 0;
  let groups = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const alnum = (code >= 0x30 && code <= 0x39) || ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a);
    if (alnum) {
      if (++run > 3) return false;
    } else if (code === 0x2d || code === 0x3a || code === 0x2e || code === 0x2a || code === 0x26) {
      if (run === 0 || ++groups > 7) return false;
      run = 0;
    } else {
      return false;
    }
  }
  return run > 0;
}

export function parseDataBlock(text: string): DataBlock {
  const dataSets: { address: string; groups: ValueGroup[] }[] = [];
  const unparsed: string[] = [];
  let current: { address: string; groups: ValueGroup[] } | null = null;
  let pos = 0;
  const end = text.length;

  while (pos < end) {
    pos = skipSpace(text, pos);
    if (pos >= end) break;
    if (text.charCodeAt(pos) === 0x21 /* ! */ && isLineStart(text, pos)) break;

    const open = text.indexOf("(", pos);
    const lineEnd = nextLineEnd(text, pos);
    if (open < 0 || open > lineEnd) {
      // A line without a bracket: not a data set.
      unparsed.push(text.slice(pos, lineEnd).trim());
      current = null;
      pos = lineEnd;
      continue;
    }
    const close = text.indexOf(")", open + 1);
    if (close < 0 || close > lineEnd) {
      unparsed.push(text.slice(pos, lineEnd).trim());
      current = null;
      pos = lineEnd;
      continue;
    }
    const address = text.slice(pos, open).trim();
    const group = splitGroup(text.slice(open + 1, close));
    if (address === "") {
      // Another group of the data set before it ("(…)(…)", or DSMR 3's value on the next line).
      if (current) current.groups.push(group);
      else unparsed.push(text.slice(pos, close + 1).trim());
    } else if (isAddress(address)) {
      current = { address, groups: [group] };
      dataSets.push(current);
    } else {
      unparsed.push(text.slice(pos, close + 1).trim());
      current = null;
    }
    pos = close + 1;
  }
  return { dataSets, unparsed };
}

function splitGroup(inside: string): ValueGroup {
  const star = inside.indexOf("*");
  if (star < 0) return { value: inside, unit: null };
  const unit = inside.slice(star + 1).trim();
  return { value: inside.slice(0, star), unit: unit === "" ? null : unit };
}

function skipSpace(text: string, pos: number): number {
  let at = pos;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x0d && code !== 0x0a && code !== 0x09) break;
    at++;
  }
  return at;
}

function isLineStart(text: string, pos: number): boolean {
  return pos === 0 || text.charCodeAt(pos - 1) === 0x0a;
}

function nextLineEnd(text: string, pos: number): number {
  const lf = text.indexOf("\n", pos);
  return lf < 0 ? text.length : lf;
}
