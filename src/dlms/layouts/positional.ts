/**
 * E450 pushes that carry values only by position, with no OBIS code in the frame. The order comes
 * from the readers written for those operators: Netz Burgenland from tosog/nbsm nbsm.py and the
 * amsreader-firmware landis-gyr README; the 11-element variant from arendst/Tasmota#23027; Wiener
 * Netze from bernikr/esphome-wienernetze-smartmeter wienernetze.cpp and ixs/tasmota-sml-parser#5;
 * Slovenia (ZMXi3, IDIS 2DLM) from UtilitechAS/amsreader-firmware test/payloads/landis-gyr/README.md
 * (em-si2026-1/-2: "registers confirmed against the push object list supplied by the DSO").
 *
 * A layout may have several variants: a meter that alternates two lists (Slovenia) is one layout.
 */
import type { DlmsData } from "../axdr.js";
import { type ObisCode, parseObis } from "../../obis/obis.js";
import { isDateTimeOctets, isUnsigned } from "./obis-shape.js";
import type { LayoutName, LayoutResult, RawRegister } from "./register.js";

type Slot =
  | { readonly kind: "register"; readonly obis: ObisCode; readonly tag: number }
  | { readonly kind: "unknown"; readonly tag: number }
  /** An octet-string that identifies the meter; `digits`: it must be ASCII digits only. */
  | { readonly kind: "identity"; readonly obis: ObisCode; readonly digits: boolean }
  | { readonly kind: "time" };

interface Variant {
  readonly slots: readonly Slot[];
  /**
   * False when the identity in the body is not the number other lists name the meter by: the
   * snapshot then names no meter, and the stream credits it to the meter the line last named.
   */
  readonly identifiesMeter: boolean;
}

const U16 = 0x12;
const U32 = 0x06;
const reg = (obis: string, tag: number): Slot => ({ kind: "register", obis: parseObis(obis)!, tag });
const identity = (obis: string, digits = false): Slot => ({
  kind: "identity",
  obis: parseObis(obis)!,
  digits,
});
const variant = (slots: readonly Slot[], identifiesMeter = true): Variant => ({ slots, identifiesMeter });

const BURGENLAND_HEAD: readonly Slot[] = [
  reg("1-0:32.7.0.255", U16),
  reg("1-0:52.7.0.255", U16),
  reg("1-0:72.7.0.255", U16),
  reg("1-0:31.7.0.255", U16),
  reg("1-0:51.7.0.255", U16),
  reg("1-0:71.7.0.255", U16),
  reg("1-0:1.7.0.255", U32),
  reg("1-0:2.7.0.255", U32),
  reg("1-0:1.8.0.255", U32),
  reg("1-0:2.8.0.255", U32),
];

/**
 * Both Slovenian lists lead with a serial written as bare ASCII digits (README: "a 12-digit ASCII
 * octet string"). That is what tells them from Iskraemeco's list of the same shape
 * (test/payloads/iskraemeco/gh869-6.hex), which leads with the list id "ISK…" and orders its values
 * differently.
 */
const SLOVENIA_TOTALS: readonly Slot[] = [
  identity("0-0:96.1.0.255", true),
  reg("1-0:1.7.0.255", U32),
  reg("1-0:2.7.0.255", U32),
  reg("1-0:3.7.0.255", U32),
  reg("1-0:4.7.0.255", U32),
  reg("1-0:1.8.0.255", U32),
  reg("1-0:2.8.0.255", U32),
  reg("1-0:3.8.0.255", U32),
  reg("1-0:4.8.0.255", U32),
];

/** Frequency in whole Hz, currents in cA, voltages in whole volts, powers in W (README, em-si2026-2). */
const SLOVENIA_PHASES: readonly Slot[] = [
  identity("0-0:96.1.1.255", true),
  reg("1-0:14.7.0.255", U16),
  reg("1-0:31.7.0.255", U16),
  reg("1-0:51.7.0.255", U16),
  reg("1-0:71.7.0.255", U16),
  reg("1-0:32.7.0.255", U16),
  reg("1-0:52.7.0.255", U16),
  reg("1-0:72.7.0.255", U16),
  reg("1-0:21.7.0.255", U32),
  reg("1-0:41.7.0.255", U32),
  reg("1-0:61.7.0.255", U32),
  reg("1-0:22.7.0.255", U32),
  reg("1-0:42.7.0.255", U32),
  reg("1-0:62.7.0.255", U32),
];

export const POSITIONAL_LAYOUTS: Readonly<
  Record<string, { readonly name: LayoutName; readonly variants: readonly Variant[] }>
> = {
  burgenland: {
    name: "burgenland",
    // Three further uint16 (e.g. 400, 53, 295): r00tat/smartmeter_homeassistant_burgenland calls them
    // the U–I angles per phase but gives no unit, and 400 fits no angle in degrees: kept by position.
    variants: [
      variant([
        ...BURGENLAND_HEAD,
        { kind: "unknown", tag: U16 },
        { kind: "unknown", tag: U16 },
        { kind: "unknown", tag: U16 },
        identity("0-0:96.1.0.255"),
      ]),
    ],
  },
  "burgenland-short": {
    name: "burgenland-short",
    variants: [variant([...BURGENLAND_HEAD, identity("0-0:96.1.0.255")])],
  },
  "wiener-netze": {
    name: "wiener-netze",
    variants: [
      variant([
        { kind: "time" },
        reg("1-0:1.8.0.255", U32),
        reg("1-0:2.8.0.255", U32),
        reg("1-0:3.8.0.255", U32),
        reg("1-0:4.8.0.255", U32),
        reg("1-0:1.7.0.255", U32),
        reg("1-0:2.7.0.255", U32),
        reg("1-0:3.7.0.255", U32),
        reg("1-0:4.7.0.255", U32),
      ]),
    ],
  },
  // The phase list leads with 0-0:96.1.1, the utility's serial, a register other than the 96.1.0
  // the totals list leads with (README, em-si2026-2): only the totals list names the meter.
  slovenia: { name: "slovenia", variants: [variant(SLOVENIA_TOTALS), variant(SLOVENIA_PHASES, false)] },
};

function fits(slot: Slot, data: DlmsData): boolean {
  switch (slot.kind) {
    case "register":
    case "unknown":
      return isUnsigned(data, slot.tag);
    case "identity":
      return data.type === "octet-string" && (!slot.digits || isDigits(data.bytes));
    case "time":
      return isDateTimeOctets(data);
  }
}

function isDigits(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((byte) => byte >= 0x30 && byte <= 0x39);
}

/** Why `body` does not have this variant's shape; null when it does. */
function variantMismatch(slots: readonly Slot[], items: readonly DlmsData[]): string | null {
  if (items.length !== slots.length) return `expected ${slots.length} elements, got ${items.length}`;
  const wrong = slots.findIndex((slot, index) => !fits(slot, items[index]!));
  if (wrong < 0) return null;
  const slot = slots[wrong]!;
  return slot.kind === "identity" && slot.digits && items[wrong]!.type === "octet-string"
    ? `element ${wrong} is not a serial number of ASCII digits`
    : `element ${wrong} has type ${items[wrong]!.type}, which the layout does not expect there`;
}

/** Why `body` does not have this layout's shape; null when it does. */
export function positionalMismatch(layout: string, body: DlmsData): string | null {
  const profile = POSITIONAL_LAYOUTS[layout];
  if (!profile) return `unknown layout "${layout}"`;
  if (body.type !== "structure") return `expected a structure, got ${body.type}`;
  const sameLength = profile.variants.filter((v) => v.slots.length === body.items.length);
  if (sameLength.length === 0) {
    const lengths = profile.variants.map((v) => v.slots.length).join(" or ");
    return `expected ${lengths} elements, got ${body.items.length}`;
  }
  const reasons = sameLength.map((v) => variantMismatch(v.slots, body.items));
  return reasons.includes(null) ? null : reasons.join("; ");
}

export function readPositional(layout: string, body: DlmsData): LayoutResult | null {
  const profile = POSITIONAL_LAYOUTS[layout];
  if (!profile || body.type !== "structure") return null;
  const match = profile.variants.find((v) => variantMismatch(v.slots, body.items) === null);
  if (!match) return null;
  const registers: RawRegister[] = [];
  let bodyTime: Uint8Array | undefined;
  match.slots.forEach((slot, index) => {
    const data = body.items[index]!;
    if (slot.kind === "register" || slot.kind === "identity")
      registers.push({ label: { kind: "obis", code: slot.obis }, data });
    else if (slot.kind === "unknown") registers.push({ label: { kind: "position", index }, data });
    else if (data.type === "octet-string") bodyTime = data.bytes;
  });
  return {
    layout: profile.name,
    registers,
    ...(bodyTime ? { bodyTime } : {}),
    ...(match.identifiesMeter ? {} : { identifiesMeter: false }),
  };
}
