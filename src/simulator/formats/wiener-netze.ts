/**
 * Wiener Netze push on the optical port: 9600 8N1, one HDLC frame `7E A0 67 CE FF 03 13 …`,
 * general-glo-ciphering SC 0x20 (encrypted, no tag), Data-Notification with header date-time and
 * positional body structure(9) = date-time, +A, −A, +R, −R, +P, −P, +Q, −Q, all uint32 (Wh, varh, W,
 * var). Sources: bernikr/esphome-wienernetze-smartmeter README (uart 9600) and wienernetze.cpp;
 * decrypted E450 bodies in ixs/tasmota-sml-parser#5 (body date-time status 80 in September).
 */
import { axdr, encodeAxdr } from "../encode/axdr.js";
import { type CosemTimestamp, encodeCosemDateTime } from "../encode/cosem-date-time.js";
import { encodeDataNotification } from "../encode/data-notification.js";
import { encodeGeneralGloCiphering } from "../encode/glo-ciphering.js";
import { singleFramePush } from "./e450-link.js";
import type { OutgoingFrame } from "./outgoing-frame.js";
import {
  type CipheringContext,
  daylightSavingTimestamp,
  headerTimestamp,
  type PushContext,
} from "./push-context.js";

export interface WienerNetzePushValues {
  readonly invokeId: number;
  readonly notificationTime: CosemTimestamp;
  readonly time: CosemTimestamp;
  readonly activeEnergyImport: number;
  readonly activeEnergyExport: number;
  readonly reactiveEnergyImport: number;
  readonly reactiveEnergyExport: number;
  readonly activePowerImport: number;
  readonly activePowerExport: number;
  readonly reactivePowerImport: number;
  readonly reactivePowerExport: number;
}

export function encodeWienerNetzePlaintext(push: WienerNetzePushValues): Uint8Array {
  const body = axdr.structure(
    axdr.octetString(encodeCosemDateTime(push.time)),
    axdr.uint32(push.activeEnergyImport),
    axdr.uint32(push.activeEnergyExport),
    axdr.uint32(push.reactiveEnergyImport),
    axdr.uint32(push.reactiveEnergyExport),
    axdr.uint32(push.activePowerImport),
    axdr.uint32(push.activePowerExport),
    axdr.uint32(push.reactivePowerImport),
    axdr.uint32(push.reactivePowerExport),
  );
  return encodeDataNotification(push.invokeId, encodeCosemDateTime(push.notificationTime), encodeAxdr(body));
}

export function encodeWienerNetzePush(
  push: WienerNetzePushValues,
  ciphering: CipheringContext,
): OutgoingFrame[] {
  const apdu = encodeGeneralGloCiphering(encodeWienerNetzePlaintext(push), {
    systemTitle: ciphering.systemTitle,
    frameCounter: ciphering.frameCounter,
    encryptionKey: ciphering.keys.encryptionKey,
    security: { securityControl: 0x20 },
  });
  return [singleFramePush(apdu)];
}

export function wienerNetzePushValues(context: PushContext): WienerNetzePushValues {
  const { measurements: m } = context;
  return {
    invokeId: context.invokeId,
    notificationTime: headerTimestamp(m.clock),
    time: daylightSavingTimestamp(m.clock),
    activeEnergyImport: m.energy.activeImport.total,
    activeEnergyExport: m.energy.activeExport.total,
    reactiveEnergyImport: m.energy.reactiveImport.total,
    reactiveEnergyExport: m.energy.reactiveExport.total,
    activePowerImport: m.activePowerImport,
    activePowerExport: m.activePowerExport,
    reactivePowerImport: m.reactivePowerImport,
    reactivePowerExport: m.reactivePowerExport,
  };
}
