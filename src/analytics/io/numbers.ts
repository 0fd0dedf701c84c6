/**
 * Reading a value cell. Accepted: an optional sign, digits, and at most one decimal separator with
 * digits after it. The point is always a decimal separator; the comma is one only in `;`- or
 * tab-separated files (the decimal comma of German-language exports: Netz NÖ `0,063000`, Wiener Netze
 * `0,112`). Thousands separators are never guessed: `1.234,5`, `1,234.5`, `1'234` or `1 234` are not
 * numbers, and neither is a comma in a comma-separated file, where `"1,234"` could be either.
 */
import type { Delimiter } from "./csv.js";

const POINT = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA = /^[+-]?\d+,\d+$/;

export interface CellNumber {
  /** NaN for a blank or unreadable cell: a partial sum would understate energy. */
  readonly value: number;
  /** True when the cell holds text that is not a number (a blank cell is a gap, not a mistake). */
  readonly unreadable: boolean;
}

export function parseCellNumber(text: string | undefined, delimiter: Delimiter): CellNumber {
  const s = (text ?? "").trim();
  if (s === "") return { value: Number.NaN, unreadable: false };
  if (POINT.test(s)) return { value: Number(s), unreadable: false };
  if (delimiter !== "," && COMMA.test(s)) return { value: Number(s.replace(",", ".")), unreadable: false };
  return { value: Number.NaN, unreadable: true };
}
