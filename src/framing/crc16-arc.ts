/**
 * CRC-16/ARC, the checksum that closes a P1/DSMR telegram (`!XXXX`): reflected polynomial 0x8005
 * (0xA001), init 0, no final xor, over every byte from '/' up to and including '!' (DSMR P1 companion
 * standard 5.0.2 §6.2). Check value for "123456789" is 0xBB3D.
 */
import { buildReflectedTable } from "./crc.js";

const ARC_TABLE = buildReflectedTable(0xa001);

export function crc16Arc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ ARC_TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
