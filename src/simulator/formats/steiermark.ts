/**
 * Austrian push, Energienetze Steiermark style: general-glo-ciphering with SC 0x30 (encrypted +
 * 12-byte tag) around a Data-Notification whose body is structure(33) = date-time + 16 (OBIS
 * octet-string, double-long-unsigned) pairs, Wh / W / varh / var with no scaler. Long enough for
 * three GBT blocks (esphome-libs/dlms_parser tests/dumps/hdlc_landis_gyr_e450.log). The invoke-id
 * equals the frame counter in both published captures (observed).
 */
import { axdr, encodeAxdr } from "../encode/axdr.js";
import { type CosemTimestamp, encodeCosemDateTime } from "../encode/cosem-date-time.js";
import { encodeDataNotification } from "../encode/data-notification.js";
import { encodeGeneralGloCiphering } from "../encode/glo-ciphering.js";
import { obisBytes } from "../encode/obis-bytes.js";
import { gbtPushFrames } from "./e450-link.js";
import type { OutgoingFrame } from "./outgoing-frame.js";
import {
  daylightSavingTimestamp,
  type CipheringContext,
  NOTIFICATION_HEADER_STATUS,
  type PushContext,
} from "./push-context.js";

/** Pair order of the body (martink173/smartmeter-datacollector obis_register_sequence). */
const STEIERMARK_REGISTERS = [
  "1-0:1.8.0.255",
  "1-0:1.8.1.255",
  "1-0:1.8.2.255",
  "1-0:1.7.0.255",
  "1-0:2.8.0.255",
  "1-0:2.8.1.255",
  "1-0:2.8.2.255",
  "1-0:2.7.0.255",
  "1-0:3.8.0.255",
  "1-0:3.8.1.255",
  "1-0:3.8.2.255",
  "1-0:3.7.0.255",
  "1-0:4.8.0.255",
  "1-0:4.8.1.255",
  "1-0:4.8.2.255",
  "1-0:4.7.0.255",
] as const;

type SteiermarkRegister = (typeof STEIERMARK_REGISTERS)[number];

export interface SteiermarkPushValues {
  readonly invokeId: number;
  readonly time: CosemTimestamp;
  readonly registers: Readonly<Record<SteiermarkRegister, number>>;
}

export function encodeSteiermarkPlaintext(push: SteiermarkPushValues): Uint8Array {
  const body = axdr.structure(
    axdr.octetString(encodeCosemDateTime(push.time)),
    ...STEIERMARK_REGISTERS.flatMap((obis) => [
      axdr.octetString(obisBytes(obis)),
      axdr.uint32(push.registers[obis]),
    ]),
  );
  const header = encodeCosemDateTime({ ...push.time, status: NOTIFICATION_HEADER_STATUS });
  return encodeDataNotification(push.invokeId, header, encodeAxdr(body));
}

export function encodeSteiermarkPush(
  push: SteiermarkPushValues,
  ciphering: CipheringContext,
): OutgoingFrame[] {
  const apdu = encodeGeneralGloCiphering(encodeSteiermarkPlaintext(push), {
    systemTitle: ciphering.systemTitle,
    frameCounter: ciphering.frameCounter,
    encryptionKey: ciphering.keys.encryptionKey,
    security: { securityControl: 0x30, authenticationKey: ciphering.keys.authenticationKey },
  });
  return gbtPushFrames([{ bytes: apdu, keepWhole: false }]);
}

export function steiermarkPushValues(context: PushContext): SteiermarkPushValues {
  const { energy: e, ...m } = context.measurements;
  return {
    invokeId: context.frameCounter,
    time: daylightSavingTimestamp(m.clock),
    registers: {
      "1-0:1.8.0.255": e.activeImport.total,
      "1-0:1.8.1.255": e.activeImport.t1,
      "1-0:1.8.2.255": e.activeImport.t2,
      "1-0:1.7.0.255": m.activePowerImport,
      "1-0:2.8.0.255": e.activeExport.total,
      "1-0:2.8.1.255": e.activeExport.t1,
      "1-0:2.8.2.255": e.activeExport.t2,
      "1-0:2.7.0.255": m.activePowerExport,
      "1-0:3.8.0.255": e.reactiveImport.total,
      "1-0:3.8.1.255": e.reactiveImport.t1,
      "1-0:3.8.2.255": e.reactiveImport.t2,
      "1-0:3.7.0.255": m.reactivePowerImport,
      "1-0:4.8.0.255": e.reactiveExport.total,
      "1-0:4.8.1.255": e.reactiveExport.t1,
      "1-0:4.8.2.255": e.reactiveExport.t2,
      "1-0:4.7.0.255": m.reactivePowerExport,
    },
  };
}
