/** Who the virtual meter says it is; derived from the seed so every run of a seed is the same meter. */
import { hashUnit } from "./random.js";

export interface MeterIdentity {
  /** Serial number, ASCII digits (0-0:96.1.0 / 0-0:96.1.1, IEC 62056-21 C.1.0). */
  readonly serialNumber: string;
  /** COSEM logical device name 0-0:42.0.0, 16 characters starting "LGZ" (EKZ: "LGZ1030653520967"). */
  readonly logicalDeviceName: string;
  /**
   * DLMS system title: the manufacturer's FLAG ID "LGZ" + 5 bytes; E450s use "LGZg…" (every ciphered
   * E450 capture in tests/fixtures/real-frames).
   */
  readonly systemTitle: Uint8Array;
}

function digits(seed: number, key: number, count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) text += String(Math.floor(hashUnit(seed, key, i) * 10));
  return text;
}

export function identityFromSeed(seed: number): MeterIdentity {
  const serialNumber = `${1 + Math.floor(hashUnit(seed, 500) * 9)}${digits(seed, 501, 7)}`;
  const systemTitle = Uint8Array.of(0x4c, 0x47, 0x5a, 0x67, 0, 0, 0, 0);
  for (let i = 4; i < 8; i++) systemTitle[i] = Math.floor(hashUnit(seed, 502, i) * 256);
  return { serialNumber, logicalDeviceName: `LGZ1030${digits(seed, 503, 9)}`, systemTitle };
}
