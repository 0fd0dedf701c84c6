/**
 * The inspector's pure parts: cleaning pasted hex, checking a key's shape, and cutting a frame into
 * the innermost annotated byte ranges (layers nest: an HDLC frame holds the LLC header, which
 * precedes the APDU, which holds A-XDR values …).
 */

export type HexInput =
  | { readonly ok: true; readonly hex: string; readonly bytes: number }
  | { readonly ok: false; readonly problem: "empty" | "not-hex" | "odd-length" };

/** "7E A0 8B 0x01:02" → "7ea08b0102": spaces, line breaks, 0x prefixes and separators dropped. */
export function cleanHex(text: string): HexInput {
  const hex = text
    .replace(/0x/gi, "")
    .replace(/[\s:,-]/g, "")
    .toLowerCase();
  if (hex === "") return { ok: false, problem: "empty" };
  if (!/^[0-9a-f]+$/.test(hex)) return { ok: false, problem: "not-hex" };
  if (hex.length % 2 !== 0) return { ok: false, problem: "odd-length" };
  return { ok: true, hex, bytes: hex.length / 2 };
}

/** An AES-128 key as the grid operator sends it: 16 bytes, 32 hex digits (spaces allowed). */
export function cleanKey(
  text: string,
): { readonly ok: true; readonly key: string | null } | { readonly ok: false } {
  const key = text.replace(/\s/g, "").toLowerCase();
  if (key === "") return { ok: true, key: null };
  return /^[0-9a-f]{32}$/.test(key) ? { ok: true, key } : { ok: false };
}

export interface Range {
  readonly start: number;
  readonly end: number;
}

export interface Segment {
  readonly start: number;
  readonly end: number;
  /** Index of the innermost range covering these bytes; null for bytes no range covers. */
  readonly range: number | null;
}

/** The innermost range covering a byte: the shortest; of equal ones the later (deeper) in the list. */
function innermost(ranges: readonly Range[], byte: number): number | null {
  let best: number | null = null;
  let bestLength = Number.POSITIVE_INFINITY;
  for (const [index, range] of ranges.entries()) {
    const length = range.end - range.start;
    if (byte >= range.start && byte < range.end && length <= bestLength) {
      best = index;
      bestLength = length;
    }
  }
  return best;
}

/** Consecutive bytes with the same innermost range, covering 0 … byteCount exactly. */
export function segments(byteCount: number, ranges: readonly Range[]): Segment[] {
  const result: Segment[] = [];
  for (let byte = 0; byte < byteCount; byte++) {
    const range = innermost(ranges, byte);
    const last = result.at(-1);
    if (last !== undefined && last.range === range) result[result.length - 1] = { ...last, end: byte + 1 };
    else result.push({ start: byte, end: byte + 1, range });
  }
  return result;
}

/** Every range covering a segment, outermost first: the path shown for the byte under the pointer. */
export function enclosing(ranges: readonly Range[], segment: Range): number[] {
  return ranges
    .map((range, index) => ({ range, index }))
    .filter(({ range }) => range.start <= segment.start && range.end >= segment.end)
    .sort((a, b) => b.range.end - b.range.start - (a.range.end - a.range.start) || a.index - b.index)
    .map(({ index }) => index);
}

/** "7ea08b" bytes start…end as "7E A0 8B". */
export function hexBytes(hex: string, start: number, end: number): string {
  return (hex.slice(start * 2, end * 2).match(/../g) ?? []).join(" ").toUpperCase();
}
