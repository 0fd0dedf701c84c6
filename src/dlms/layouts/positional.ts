/**
 * Austrian E450 pushes that carry values only by position, with no OBIS code in the frame. The order
 * comes from the readers written for those operators: Netz Burgenland from tosog/nbsm nbsm.py and
 * the amsreader-firmware landis-gyr README; the 11-element variant from arendst/Tasmota#23027;
 * Wiener Netze from bernikr/esphome-wienernetze-smartmeter wienernetze.cpp and
 * ixs/tasmota-sml-parser#5.
 */
import type { DlmsData } from "../axdr.js";
import { type ObisCode, parseObis } from "../../obis/obis.js";
import { isDateTimeOctets, isUnsigned } from "./obis-shape.js";
import type { LayoutName, LayoutResult, RawRegister } from "./register.js";

type Slot =
  | { readonly kind: "register"; readonly obis: ObisCode; readonly tag: number }
  | { readonly kind: "unknown"; readonly tag: number }
  | { readonly kind: "meter-number" }
  | { readonly kind: "time" };

const U16 = 0x12;
const U32 = 0x06;
const reg = (obis: string, tag: number): Slot => ({ kind: "register", obis: parseObis(obis)!, tag });

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

export const POSITIONAL_LAYOUTS: Readonly<Record<string, { name: LayoutName; slots: readonly Slot[] }>> = {
  burgenland: {
    name: "burgenland",
    // Three further uint16 (e.g. 400, 53, 295) whose meaning no source establishes: kept by position.
    slots: [
      ...BURGENLAND_HEAD,
      { kind: "unknown", tag: U16 },
      { kind: "unknown", tag: U16 },
      { kind: "unknown", tag: U16 },
      { kind: "meter-number" },
    ],
  },
  "burgenland-short": { name: "burgenland-short", slots: [...BURGENLAND_HEAD, { kind: "meter-number" }] },
  "wiener-netze": {
    name: "wiener-netze",
    slots: [
      { kind: "time" },
      reg("1-0:1.8.0.255", U32),
      reg("1-0:2.8.0.255", U32),
      reg("1-0:3.8.0.255", U32),
      reg("1-0:4.8.0.255", U32),
      reg("1-0:1.7.0.255", U32),
      reg("1-0:2.7.0.255", U32),
      reg("1-0:3.7.0.255", U32),
      reg("1-0:4.7.0.255", U32),
    ],
  },
};

const METER_NUMBER = parseObis("0-0:96.1.0.255")!;

function fits(slot: Slot, data: DlmsData): boolean {
  switch (slot.kind) {
    case "register":
    case "unknown":
      return isUnsigned(data, slot.tag);
    case "meter-number":
      return data.type === "octet-string";
    case "time":
      return isDateTimeOctets(data);
  }
}

/** Why `body` does not have this layout's shape; null when it does. */
export function positionalMismatch(layout: string, body: DlmsData): string | null {
  const profile = POSITIONAL_LAYOUTS[layout];
  if (!profile) return `unknown layout "${layout}"`;
  if (body.type !== "structure") return `expected a structure, got ${body.type}`;
  if (body.items.length !== profile.slots.length) {
    return `expected ${profile.slots.length} elements, got ${body.items.length}`;
  }
  const wrong = profile.slots.findIndex((slot, index) => !fits(slot, body.items[index]!));
  return wrong < 0
    ? null
    : `element ${wrong} has type ${body.items[wrong]!.type}, which the layout does not expect there`;
}

export function readPositional(layout: string, body: DlmsData): LayoutResult | null {
  const profile = POSITIONAL_LAYOUTS[layout];
  if (!profile || body.type !== "structure" || positionalMismatch(layout, body) !== null) return null;
  const registers: RawRegister[] = [];
  let bodyTime: Uint8Array | undefined;
  profile.slots.forEach((slot, index) => {
    const data = body.items[index]!;
    if (slot.kind === "register") registers.push({ label: { kind: "obis", code: slot.obis }, data });
    else if (slot.kind === "unknown") registers.push({ label: { kind: "position", index }, data });
    else if (slot.kind === "meter-number")
      registers.push({ label: { kind: "obis", code: METER_NUMBER }, data });
    else if (data.type === "octet-string") bodyTime = data.bytes;
  });
  return { layout: profile.name, registers, ...(bodyTime ? { bodyTime } : {}) };
}
