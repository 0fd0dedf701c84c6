/** Byte helpers shared by every layer; pure, no I/O. */

/** Joins byte arrays; `size` may be passed when the caller already knows the total. */
export function concat(
  parts: readonly Uint8Array[],
  size = parts.reduce((sum, part) => sum + part.length, 0),
): Uint8Array {
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Upper-case hex of one byte ("0A") or of a byte array ("0A1B…"), the way meter documents write it. */
export function hex(byteOrBytes: number | Uint8Array): string {
  if (typeof byteOrBytes === "number") return byteOrBytes.toString(16).padStart(2, "0").toUpperCase();
  return Buffer.from(byteOrBytes.buffer, byteOrBytes.byteOffset, byteOrBytes.byteLength)
    .toString("hex")
    .toUpperCase();
}
