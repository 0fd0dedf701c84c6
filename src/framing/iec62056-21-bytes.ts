/** Control characters of IEC 62056-21 (§6.3) and the byte → text helpers the framer's modules share. */
export const STX = 0x02;
export const ETX = 0x03;
export const LF = 0x0a;
export const CR = 0x0d;
export const BANG = 0x21;
export const SLASH = 0x2f;

const ASCII_DECODER = new TextDecoder("latin1");

/**
 * Bytes → text, one character per byte. TextDecoder is several times faster than fromCharCode, but its
 * "latin1" is windows-1252, which remaps 0x80–0x9F; a frame holding such bytes takes the exact path.
 */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  const slice = bytes.subarray(start, end);
  let seen = 0;
  for (let i = 0; i < slice.length; i++) seen |= slice[i]!;
  if (seen < 0x80) return ASCII_DECODER.decode(slice);
  let text = "";
  for (let i = 0; i < slice.length; i += 4096) {
    text += String.fromCharCode.apply(null, slice.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

export function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

export function hasNonAscii(text: string): boolean {
  return /[^\x09\x0a\x0d\x20-\x7e]/.test(text);
}

export const hex2 = (value: number) => value.toString(16).toUpperCase().padStart(2, "0");
export const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, "0");
