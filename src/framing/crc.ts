/**
 * Checksums of the link layers. CRC-16/X.25 (HDLC HCS/FCS, IEC 62056-46 §6.4): reflected polynomial
 * 0x1021 (0x8408), init 0xFFFF, xorout 0xFFFF, sent least significant byte first.
 */
const X25_TABLE = buildReflectedTable(0x8408);

/** Byte-wise lookup table of a reflected CRC-16 polynomial. */
export function buildReflectedTable(polynomial: number): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ polynomial : crc >>> 1;
    table[byte] = crc;
  }
  return table;
}

export function crc16x25(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ X25_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc ^ 0xffff;
}

/** M-Bus long-frame checksum (EN 13757-2): arithmetic sum of C … data, modulo 256. */
export function mbusChecksum(bytes: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + bytes[i]!) & 0xff;
  return sum;
}
