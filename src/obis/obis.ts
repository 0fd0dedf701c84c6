/**
 * OBIS codes (IEC 62056-61). A reduced-ID code as written in IEC 62056-21 readouts ("1.8.1", "32.7",
 * "C.1.0") keeps its written form: the meter did not say which medium or channel it meant.
 */
export interface ObisCode {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
}

/** "1-1:1.8.0.255" for a full code from a DLMS push. */
export function formatObis(code: ObisCode): string {
  return `${code.a}-${code.b}:${code.c}.${code.d}.${code.e}.${code.f}`;
}

export function obisFromBytes(bytes: Uint8Array): ObisCode | null {
  if (bytes.length !== 6) return null;
  const [a, b, c, d, e, f] = bytes as unknown as [number, number, number, number, number, number];
  return { a, b, c, d, e, f };
}

/** Parses "1-0:1.8.0.255", "1-0:1.8.0*255", "1-0:1.8.0" (F = 255); null for reduced or malformed codes. */
export function parseObis(text: string): ObisCode | null {
  const match = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[.*](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const parts = match.slice(1).map((part) => (part === undefined ? 255 : Number(part)));
  if (parts.some((part) => part > 255)) return null;
  const [a, b, c, d, e, f] = parts as [number, number, number, number, number, number];
  return { a, b, c, d, e, f };
}
