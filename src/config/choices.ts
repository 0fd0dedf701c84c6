/**
 * The closed sets of option values. config.yaml spells the same lists as `list(a|b|c)`; a unit test
 * checks that both agree, so a value added here without the add-on schema (or vice versa) fails CI.
 */
import { LAYOUT_NAMES as DECODER_LAYOUT_NAMES } from "../dlms/layouts/detect.js";

export const CONNECTIONS = ["serial", "tcp", "virtual"] as const;
export type ConnectionKind = (typeof CONNECTIONS)[number];

/** "auto" sniffs the first bytes: 7E → HDLC, 68 → M-Bus long frame, "/" → IEC 62056-21 or P1. */
export const PROTOCOLS = ["auto", "hdlc-dlms", "mbus-dlms", "iec62056-21", "p1"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * Serial speeds seen on E450 deployments: 2400 Bd on the M-Bus customer interface
 * (scs/smartmeter-datacollector lge450.py), 9600 Bd on the optical port (Wiener Netze:
 * bernikr/esphome-wienernetze-smartmeter; Burgenland: tosog/nbsm), 300 Bd for the IEC 62056-21
 * sign-on (§6.3.1) and up to 19200 after it; 115200 for DSMR 5 P1 ports. Strings, because the
 * Supervisor's `list(...)` type stores the chosen entry as a string.
 */
export const BAUD_RATES = ["auto", "300", "600", "1200", "2400", "4800", "9600", "19200", "115200"] as const;
export type BaudRateChoice = (typeof BAUD_RATES)[number];

/**
 * Data bits, parity, stop bits. M-Bus CII: 8E1 (EN 13757-2 characters carry even parity); optical:
 * 8N1; IEC 62056-21: 7E1.
 */
export const SERIAL_FORMATS = ["auto", "8N1", "8E1", "7E1"] as const;
export type SerialFormatChoice = (typeof SERIAL_FORMATS)[number];

/**
 * How the values in a push are laid out: the decoder's own names (src/dlms/layouts/detect.ts), the
 * same ones `e450 decode --layout` takes and the decoder's messages use, so one name means one
 * decoder everywhere. Self-describing bodies are named after their shape, positional ones after the
 * operator whose interface description defines the positions.
 */
export const LAYOUT_NAMES = DECODER_LAYOUT_NAMES;

/**
 * The add-on's earlier, operator-flavoured names, still accepted: options saved by an older version
 * keep working (the Supervisor refuses to start an add-on whose stored value is no longer in its
 * `list(...)`, supervisor/apps/options.py), and `e450 decode --layout` takes them as well.
 * "scaler-unit" bodies are read by the obis-pairs decoder, which takes the scaler and unit when sent.
 */
export const LAYOUT_ALIASES: Readonly<Record<string, LayoutName>> = {
  "swiss-push-list": "push-object-list",
  steiermark: "obis-pairs",
  "scaler-unit": "obis-pairs",
};

/** Every accepted value of `meter.layout`: the names first, then the older aliases. */
export const LAYOUTS: readonly string[] = [...LAYOUT_NAMES, ...Object.keys(LAYOUT_ALIASES)];
export type Layout = string;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** A layout name or alias → the decoder's name; undefined for anything else. */
export function resolveLayoutName(name: string): LayoutName | undefined {
  if ((LAYOUT_NAMES as readonly string[]).includes(name)) return name as LayoutName;
  return Object.hasOwn(LAYOUT_ALIASES, name) ? LAYOUT_ALIASES[name] : undefined;
}
