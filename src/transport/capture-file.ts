/**
 * Capture files for replay and `e450 decode`: raw bytes, or hex text with comments (`#`, `//`, `;`
 * to the end of the line) and any whitespace or separators (`:`, `-`, `,`), as people paste them
 * from logs and issue threads.
 */
const COMMENT = /(#|\/\/|;).*$/gm;
const SEPARATORS = /[\s:,-]+/g;

/** Hex digits from text; null when the text has anything else (so it is a binary capture). */
export function parseHexText(text: string): Uint8Array | null {
  const digits = text.replace(COMMENT, "").replace(SEPARATORS, "").replace(/0x/gi, "");
  if (digits.length === 0 || digits.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(digits)) return null;
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

/** The bytes of a capture: hex text when it parses as such, else the raw content. */
export function captureBytes(content: Uint8Array): Uint8Array {
  const looksTextual = content.every(
    (byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f),
  );
  if (!looksTextual) return content;
  return parseHexText(Buffer.from(content).toString("latin1")) ?? content;
}
