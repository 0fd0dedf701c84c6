/**
 * Netz Burgenland push: one HDLC frame, no GBT, general-glo-ciphering SC 0x30 with tag, and a
 * positional structure(14) without OBIS codes: U1–U3 (uint16 V), I1–I3 (uint16 ×0.01 A), P+ P−
 * (uint32 W), A+ A− (uint32 Wh), three undocumented uint16, meter id (octet-string). Sources:
 * tosog/nbsm nbsm.py; amsreader-firmware test/payloads/landis-gyr gh501. The invoke-id runs apart from
 * the frame counter (gh501-1: 002180FC vs 002180F6, observed).
 */
import { axdr, encodeAxdr } from "../encode/axdr.js";
import { type CosemTimestamp, encodeCosemDateTime } from "../encode/cosem-date-time.js";
import { encodeDataNotification } from "../encode/data-notification.js";
import { encodeGeneralGloCiphering } from "../encode/glo-ciphering.js";
import type { PhaseValues } from "../household.js";
import { singleFramePush } from "./e450-link.js";
import type { OutgoingFrame } from "./outgoing-frame.js";
import { type CipheringContext, headerTimestamp, type PushContext } from "./push-context.js";

export interface BurgenlandPushValues {
  readonly invokeId: number;
  readonly notificationTime: CosemTimestamp;
  readonly voltages: PhaseValues;
  readonly currentsCentiamps: PhaseValues;
  readonly activePowerImport: number;
  readonly activePowerExport: number;
  readonly activeEnergyImport: number;
  readonly activeEnergyExport: number;
  /** Positions 10–12, whose meaning no source establishes (gh501-1 sends 400, 53, 295). */
  readonly undocumented: PhaseValues;
  readonly meterId: string;
}

/**
 * The simulator fills the undocumented positions with the total power factor ×1000 (gh501-1's 400
 * matches its P/S ≈ 0.41) and the capture's other two values unchanged, so the shape stays real.
 */
const UNDOCUMENTED_FROM_CAPTURE = [53, 295] as const;

export function encodeBurgenlandPlaintext(push: BurgenlandPushValues): Uint8Array {
  const body = axdr.structure(
    ...push.voltages.map((volts) => axdr.uint16(volts)),
    ...push.currentsCentiamps.map((centiamps) => axdr.uint16(centiamps)),
    axdr.uint32(push.activePowerImport),
    axdr.uint32(push.activePowerExport),
    axdr.uint32(push.activeEnergyImport),
    axdr.uint32(push.activeEnergyExport),
    ...push.undocumented.map((value) => axdr.uint16(value)),
    axdr.asciiOctetString(push.meterId),
  );
  return encodeDataNotification(push.invokeId, encodeCosemDateTime(push.notificationTime), encodeAxdr(body));
}

export function encodeBurgenlandPush(
  push: BurgenlandPushValues,
  ciphering: CipheringContext,
): OutgoingFrame[] {
  const apdu = encodeGeneralGloCiphering(encodeBurgenlandPlaintext(push), {
    systemTitle: ciphering.systemTitle,
    frameCounter: ciphering.frameCounter,
    encryptionKey: ciphering.keys.encryptionKey,
    security: { securityControl: 0x30, authenticationKey: ciphering.keys.authenticationKey },
  });
  return [singleFramePush(apdu)];
}

export function burgenlandPushValues(context: PushContext): BurgenlandPushValues {
  const { measurements: m } = context;
  return {
    invokeId: context.invokeId,
    notificationTime: headerTimestamp(m.clock),
    voltages: [m.phases[0].voltage, m.phases[1].voltage, m.phases[2].voltage],
    currentsCentiamps: [
      m.phases[0].currentCentiamps,
      m.phases[1].currentCentiamps,
      m.phases[2].currentCentiamps,
    ],
    activePowerImport: m.activePowerImport,
    activePowerExport: m.activePowerExport,
    activeEnergyImport: m.energy.activeImport.total,
    activeEnergyExport: m.energy.activeExport.total,
    undocumented: [m.powerFactorThousandths, ...UNDOCUMENTED_FROM_CAPTURE],
    meterId: context.identity.serialNumber,
  };
}
