/**
 * Manufacturer ids: the three letters registered with the FLAG association that open a DLMS system
 * title and an IEC 62056-21 identification line (§6.3.2, "XXX"). Only ids seen in the captures this
 * project decodes are named (../shared/research/e450-protocols.md §5 and tests/fixtures/real-frames:
 * "LGF" opens the L+G E360's P1 line, "ISk" the Iskra MT382's); others are shown as sent.
 */
const NAMES: Readonly<Record<string, string>> = {
  LGZ: "Landis+Gyr",
  LGF: "Landis+Gyr",
  KFM: "Kaifa",
  SAG: "Sagemcom",
  KAM: "Kamstrup",
  ISK: "Iskraemeco",
};

/** The id as three letters, or null when the bytes are no id (a test vector's system title). */
export function flagId(bytes: Uint8Array): string | null {
  if (bytes.length < 3) return null;
  const id = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!);
  return /^[A-Za-z]{3}$/.test(id) ? id : null;
}

/** "Landis+Gyr (LGZ)" for a known id, the id alone otherwise. */
export function manufacturerName(id: string): string {
  const name = NAMES[id.toUpperCase()];
  return name ? `${name} (${id})` : id;
}
