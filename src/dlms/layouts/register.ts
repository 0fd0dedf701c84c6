/**
 * The common output of every push layout: a register as found in the body, before scaling. The
 * label is a full OBIS code, or the register's position when the body names none.
 */
import type { DlmsData } from "../axdr.js";
import type { ObisCode } from "../../obis/obis.js";

export interface ScalerUnit {
  readonly scaler: number;
  /** COSEM unit enum (255 = none). */
  readonly unit: number;
}

type RegisterLabel =
  | { readonly kind: "obis"; readonly code: ObisCode }
  | { readonly kind: "position"; readonly index: number };

export interface RawRegister {
  readonly label: RegisterLabel;
  readonly data: DlmsData;
  /** Present when the meter sent a scaler_unit (Kaifa, Iskra, Aidon); the E450 never does. */
  readonly scalerUnit?: ScalerUnit;
}

export type LayoutName =
  | "push-object-list"
  | "obis-pairs"
  | "scaler-unit-triplets"
  | "burgenland"
  | "burgenland-short"
  | "wiener-netze"
  | "slovenia";

export interface LayoutResult {
  readonly layout: LayoutName;
  readonly registers: readonly RawRegister[];
  /** A date-time the body carries without an OBIS code (Steiermark, Wiener Netze). */
  readonly bodyTime?: Uint8Array;
  /**
   * False when the body's identity register is not the meter's number (the Slovenian phase list
   * leads with the utility's serial): the snapshot then names no meter.
   */
  readonly identifiesMeter?: false;
}
