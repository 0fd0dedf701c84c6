/**
 * Fast path of parseDecimal for the values of a readout ("042951.721", "-0.5", "  241"): one scan, no
 * regular expression, the integer built in a double while it stays exact. Anything else (text, other
 * white space, more than 15 significant digits) goes to parseDecimal, so the results are identical.
 */
import { type ExactNumber, parseDecimal } from "../model/exact-number.js";

/** Digits that a double holds exactly (2^53 ≈ 9.0e15). */
const EXACT_DIGITS = 15;

export function parseReadoutDecimal(text: string): ExactNumber | null {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  let i = start;
  const sign = text.charCodeAt(i);
  const negative = sign === 0x2d;
  if (negative || sign === 0x2b) i++;
  let raw = 0;
  let digits = 0;
  let significant = 0;
  let fraction = -1; // digits after '.', -1 while none seen
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e && fraction < 0) {
      fraction = 0;
      continue;
    }
    const digit = code - 0x30;
    if (digit < 0 || digit > 9) return parseDecimal(text); // not a plain decimal: the general rules decide
    digits++;
    if (fraction >= 0) fraction++;
    if (raw !== 0 || digit !== 0) significant++;
    raw = raw * 10 + digit;
  }
  if (digits === 0 || significant > EXACT_DIGITS) return parseDecimal(text);
  return { raw: BigInt(negative ? -raw : raw), scaler: fraction > 0 ? -fraction : 0 };
}
