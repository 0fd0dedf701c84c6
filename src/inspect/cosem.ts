/**
 * The COSEM meaning of a push body: which A-XDR value is which register, found by the same layout
 * recognition the decoder uses (dlms/layouts/detect.ts), with the value as the decoder scaled it.
 * The layouts keep the body's own value objects, so a value is recognised by identity, wherever
 * the layout found it (by OBIS code next to it, by the push object list, or by position).
 */
import type { DlmsData } from "../dlms/axdr.js";
import { readLayout } from "../dlms/layouts/detect.js";
import type { LayoutName, RawRegister } from "../dlms/layouts/register.js";
import { cosemUnit } from "../dlms/units.js";
import { toDecimalString } from "../model/exact-number.js";
import type { Reading, ReadingValue } from "../model/snapshot.js";
import { formatObis } from "../obis/obis.js";
import { registerName } from "../obis/registry.js";

interface RegisterMeaning {
  /** "1-0:1.8.0.255", or "#3" for a value a positional layout carries without a code. */
  readonly obis: string;
  readonly name: string;
  /** The value as decoded ("4912.257 kWh"); null when the push did not decode as a whole. */
  readonly value: string | null;
  readonly note: string;
}

export interface BodyMeaning {
  readonly layout: LayoutName | null;
  readonly registers: ReadonlyMap<DlmsData, RegisterMeaning>;
}

/** `readings`: the decoder's readings of this push, in its order; null when it did not decode. */
export function bodyMeaning(body: DlmsData, readings: readonly Reading[] | null): BodyMeaning {
  let registers: readonly RawRegister[];
  let layout: LayoutName;
  try {
    ({ registers, layout } = readLayout(body));
  } catch {
    return { layout: null, registers: new Map() };
  }
  const unread = [...(readings ?? [])];
  const meanings = new Map<DlmsData, RegisterMeaning>();
  for (const register of registers) {
    const obis =
      register.label.kind === "obis" ? formatObis(register.label.code) : `#${register.label.index}`;
    const index = unread.findIndex((reading) => reading.obis === obis);
    const reading = index < 0 ? null : unread.splice(index, 1)[0]!;
    meanings.set(register.data, {
      obis,
      name: registerName(obis),
      value: reading ? formatValue(reading.value) : null,
      note: noteFor(register, reading, layout),
    });
  }
  return { layout, registers: meanings };
}

export function formatValue(value: ReadingValue): string {
  switch (value.kind) {
    case "number":
      return value.unit ? `${toDecimalString(value.exact)} ${value.unit}` : toDecimalString(value.exact);
    case "text":
      return value.text;
    case "datetime":
      return value.local;
  }
}

function noteFor(register: RawRegister, reading: Reading | null, layout: LayoutName): string {
  const where =
    register.label.kind === "position"
      ? `element ${register.label.index} of the ${layout} layout, which names no register there`
      : layout === "push-object-list"
        ? "named by the push object list"
        : layout === "obis-pairs" || layout === "scaler-unit-triplets"
          ? "named by the OBIS code before it"
          : `by its position in the ${layout} layout`;
  if (reading?.value.kind !== "number" || register.data.type !== "integer") return where;
  const { scaler } = reading.value.exact;
  if (scaler === 0) return `${where}; sent as ${register.data.value}`;
  const source = register.scalerUnit
    ? "from the scaler_unit sent with it"
    : "the register's default: the meter sends no scaler_unit";
  return `${where}; sent as ${register.data.value}, × 10^${scaler} (${source})`;
}

/** COSEM interface classes a push object list names (Blue Book §4.3–4.4). */
const CLASSES: Readonly<Record<number, string>> = {
  1: "Data",
  3: "Register",
  4: "Extended register",
  5: "Demand register",
  7: "Profile generic",
  8: "Clock",
  40: "Push setup",
  70: "Disconnect control",
};

export function className(id: number): string {
  return CLASSES[id] ? `${id} (${CLASSES[id]})` : String(id);
}

export function unitName(code: number): string {
  return `${cosemUnit(code) ?? "no unit"} (${code})`;
}
