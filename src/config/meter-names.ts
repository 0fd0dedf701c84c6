/**
 * A configured meter's name → the id that keys its events and names its state files: lower case,
 * [a-z0-9-] only, so "Flat 1" → "flat-1" and "Wohnung Süd" → "wohnung-sud". The rules (rules.ts)
 * refuse two names with the same id, so ids are unique.
 */
export function meterIdOf(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "unnamed" : slug;
}
