/**
 * Swiss CII push (VSE 2026 list, EKZ): an unencrypted Data-Notification whose body is structure(N) =
 * [push-object-list, values…], the list being the value of the push setup's attribute 2 and so its
 * own first entry. Sent every 5 s over wired M-Bus at 2400 8E1 (scs/smartmeter-datacollector
 * lge450.py), as GBT blocks in HDLC frames. Capture order, types and units exactly as in the EKZ 2026
 * capture (scs/smartmeter-datacollector tests/testdata/lg_e450.py); no scalers are sent.
 */
import { concat } from "../../model/bytes.js";
import { type AxdrData, axdr, encodeAxdr } from "../encode/axdr.js";
import { type CosemTimestamp, encodeCosemDateTime } from "../encode/cosem-date-time.js";
import { encodeDataNotificationHeader } from "../encode/data-notification.js";
import type { ApduPiece } from "../encode/general-block-transfer.js";
import { obisBytes } from "../encode/obis-bytes.js";
import type { PhaseValues } from "../household.js";
import { gbtPushFrames } from "./e450-link.js";
import type { OutgoingFrame } from "./outgoing-frame.js";
import { type PushContext, headerTimestamp, meterClockTimestamp } from "./push-context.js";

export interface SwissPushValues {
  readonly invokeId: number;
  /** Date-time of the notification header (status 00 in the capture). */
  readonly notificationTime: CosemTimestamp;
  readonly logicalDeviceName: string;
  readonly serialNumber: string;
  /** Value of the clock 0-0:1.0.0 (status 81/01: invalid bit set, as in the EKZ captures). */
  readonly clock: CosemTimestamp;
  /** Wh. */
  readonly activeEnergyImport: number;
  readonly activeEnergyExport: number;
  /** varh. */
  readonly reactiveEnergyImport: number;
  readonly reactiveEnergyExport: number;
  /** W. */
  readonly activePowerImport: number;
  readonly activePowerExport: number;
  /** Whole volts. */
  readonly voltages: PhaseValues;
  /** 0.01 A steps. */
  readonly currentsCentiamps: PhaseValues;
}

const PUSH_SETUP = "0-8:25.9.0.255";

interface CaptureObject {
  readonly classId: number;
  readonly obis: string;
  readonly attribute: number;
  readonly value: (push: SwissPushValues) => AxdrData;
}

const register = (obis: string, value: (push: SwissPushValues) => AxdrData): CaptureObject => ({
  classId: 3,
  obis,
  attribute: 2,
  value,
});

/** After the push setup's own attribute 2 (the list itself), in capture order. */
const VALUE_OBJECTS: readonly CaptureObject[] = [
  { classId: 40, obis: PUSH_SETUP, attribute: 1, value: () => axdr.octetString(obisBytes(PUSH_SETUP)) },
  {
    classId: 1,
    obis: "0-0:42.0.0.255",
    attribute: 2,
    value: (p) => axdr.asciiOctetString(p.logicalDeviceName),
  },
  { classId: 1, obis: "0-0:96.1.1.255", attribute: 2, value: (p) => axdr.asciiOctetString(p.serialNumber) },
  {
    classId: 8,
    obis: "0-0:1.0.0.255",
    attribute: 2,
    value: (p) => axdr.octetString(encodeCosemDateTime(p.clock)),
  },
  register("1-1:1.8.0.255", (p) => axdr.uint32(p.activeEnergyImport)),
  register("1-1:2.8.0.255", (p) => axdr.uint32(p.activeEnergyExport)),
  register("1-1:3.8.0.255", (p) => axdr.uint32(p.reactiveEnergyImport)),
  register("1-1:4.8.0.255", (p) => axdr.uint32(p.reactiveEnergyExport)),
  register("1-0:1.7.0.255", (p) => axdr.uint32(p.activePowerImport)),
  register("1-0:2.7.0.255", (p) => axdr.uint32(p.activePowerExport)),
  register("1-0:32.7.0.255", (p) => axdr.uint16(p.voltages[0])),
  register("1-0:52.7.0.255", (p) => axdr.uint16(p.voltages[1])),
  register("1-0:72.7.0.255", (p) => axdr.uint16(p.voltages[2])),
  register("1-0:31.7.0.255", (p) => axdr.uint16(p.currentsCentiamps[0])),
  register("1-0:51.7.0.255", (p) => axdr.uint16(p.currentsCentiamps[1])),
  register("1-0:71.7.0.255", (p) => axdr.uint16(p.currentsCentiamps[2])),
];

const CAPTURE_OBJECTS: readonly Omit<CaptureObject, "value">[] = [
  { classId: 40, obis: PUSH_SETUP, attribute: 2 },
  ...VALUE_OBJECTS,
];

function captureDefinition(object: Omit<CaptureObject, "value">): Uint8Array {
  const dataIndex = 0; // whole attribute
  return encodeAxdr(
    axdr.structure(
      axdr.uint16(object.classId),
      axdr.octetString(obisBytes(object.obis)),
      axdr.int8(object.attribute),
      axdr.uint16(dataIndex),
    ),
  );
}

/** The Data-Notification as block-splittable pieces: header and list entries whole, values streamed. */
function swissApduPieces(push: SwissPushValues): ApduPiece[] {
  const count = CAPTURE_OBJECTS.length;
  const header = concat([
    encodeDataNotificationHeader(push.invokeId, encodeCosemDateTime(push.notificationTime)),
    Uint8Array.of(0x02, count, 0x01, count), // structure(N) [ array(N) … — N < 0x80 here
  ]);
  const values = concat(VALUE_OBJECTS.map((object) => encodeAxdr(object.value(push))));
  return [
    { bytes: header, keepWhole: true },
    ...CAPTURE_OBJECTS.map((object) => ({ bytes: captureDefinition(object), keepWhole: true })),
    { bytes: values, keepWhole: false },
  ];
}

export function encodeSwissPush(push: SwissPushValues): OutgoingFrame[] {
  return gbtPushFrames(swissApduPieces(push));
}

export function swissPushValues(context: PushContext): SwissPushValues {
  const { measurements: m, identity } = context;
  return {
    invokeId: context.invokeId,
    notificationTime: headerTimestamp(m.clock),
    logicalDeviceName: identity.logicalDeviceName,
    serialNumber: identity.serialNumber,
    clock: meterClockTimestamp(m.clock),
    activeEnergyImport: m.energy.activeImport.total,
    activeEnergyExport: m.energy.activeExport.total,
    reactiveEnergyImport: m.energy.reactiveImport.total,
    reactiveEnergyExport: m.energy.reactiveExport.total,
    activePowerImport: m.activePowerImport,
    activePowerExport: m.activePowerExport,
    voltages: [m.phases[0].voltage, m.phases[1].voltage, m.phases[2].voltage],
    currentsCentiamps: [
      m.phases[0].currentCentiamps,
      m.phases[1].currentCentiamps,
      m.phases[2].currentCentiamps,
    ],
  };
}
