/** COSEM unit enumeration (Blue Book §4.3.2 table; Gurux DLMS_UNIT_*), the ones meters push. */
const UNITS: Readonly<Record<number, string>> = {
  1: "a",
  2: "mo",
  3: "wk",
  4: "d",
  5: "h",
  6: "min",
  7: "s",
  8: "°",
  9: "°C",
  13: "m³",
  14: "m³",
  15: "m³/h",
  16: "m³/h",
  23: "Pa",
  25: "J",
  27: "W",
  28: "VA",
  29: "var",
  30: "Wh",
  31: "VAh",
  32: "varh",
  33: "A",
  34: "C",
  35: "V",
  36: "V/m",
  37: "F",
  38: "Ω",
  44: "Hz",
  45: "1/(Wh)",
  46: "1/(varh)",
  47: "1/(VAh)",
  56: "%",
};

/** 255 means "no unit" (power factor); unknown enums become null as well rather than a wrong label. */
export function cosemUnit(code: number): string | null {
  return UNITS[code] ?? null;
}
