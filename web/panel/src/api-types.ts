/**
 * The JSON the panel reads, as /tmp/web-api.md (the issue 10 contract) states it. Only the fields the
 * panel shows are typed; times are ISO strings, `t` fields epoch ms.
 */

export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
}

export type LinkState = "connecting" | "up" | "down" | "stopped";

export interface MeterSummary {
  readonly key: string;
  /** The configured meter it belongs to (older servers: absent). */
  readonly configured?: string | null;
  readonly serial: string | null;
  readonly systemTitle: string | null;
  readonly firmware: string | null;
  readonly online: boolean;
  readonly lastPushAt: string | null;
  readonly link: LinkState;
}

/** A meter of the options; `behind` names the meter a sub-meter is behind. */
export interface ConfiguredMeter {
  readonly id: string;
  readonly name: string | null;
  readonly area: string | null;
  readonly behind: string | null;
}

export interface MetersResponse {
  readonly meters: readonly MeterSummary[];
  /** Older servers: absent. */
  readonly configured?: readonly ConfiguredMeter[];
}

export interface ApiReading {
  readonly obis: string;
  readonly key: string | null;
  readonly name: string;
  readonly value: number | string;
  readonly unit: string | null;
}

export interface LatestReadings {
  readonly meter: string;
  readonly receivedAt: string;
  readonly meterTime: string | null;
  readonly readings: readonly ApiReading[];
}

interface Period {
  readonly from: string;
  readonly to: string;
}

export interface EnergyPoint {
  readonly t: number;
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly estimated: boolean;
}

export interface PowerPoint {
  readonly t: number;
  readonly quantity: string;
  readonly min: number;
  readonly mean: number;
  readonly max: number;
}

/** /api/data's energy with format=columns: integer columns, mWh, minutes after t0. */
export interface EnergyColumnsResponse {
  readonly meter: string;
  readonly energy: {
    readonly t0: number | null;
    readonly minutes: readonly number[];
    readonly importMilliWh: readonly number[];
    readonly exportMilliWh: readonly number[] | null;
    readonly estimated: readonly number[];
  };
}

export interface DataResponse {
  readonly meter: string;
  readonly period: Period;
  readonly resolution: string;
  readonly energy?: readonly EnergyPoint[];
  readonly power?: readonly PowerPoint[];
}

export interface CostResponse {
  readonly currency: string;
  readonly tariff: string;
  readonly period: Period;
  readonly importKwh: number;
  readonly exportKwh: number;
  readonly importCost: number;
  readonly exportCredit: number | null;
  readonly standingCharges: number;
  readonly capacityCost: number | null;
  readonly netCost: number;
  readonly unpricedIntervals: number;
  readonly byRate: readonly { readonly rate: string; readonly importKwh: number; readonly cost: number }[];
}

export interface BuildingRow {
  readonly kind: "meter" | "rest";
  readonly id: string;
  readonly name: string | null;
  readonly area: string | null;
  readonly behind: string | null;
  readonly depth: number;
  readonly physical: readonly { readonly key: string; readonly serial: string | null }[];
  readonly importKwh: number | null;
  readonly exportKwh: number | null;
  readonly cost: number | null;
  /** Percentages. */
  readonly coverage: number | null;
  readonly share: number | null;
  readonly shareOfParent: number | null;
  readonly costShare: number | null;
  readonly reason: ApiErrorBody | null;
}

export interface BuildingResponse {
  readonly period: Period;
  readonly currency: string | null;
  readonly total: {
    readonly importKwh: number;
    readonly exportKwh: number | null;
    readonly cost: number | null;
    readonly complete: boolean;
    readonly unpricedIntervals: number;
  };
  readonly rows: readonly BuildingRow[];
}

export interface Incident {
  readonly id: string;
  readonly kind: string;
  readonly since: string;
  readonly until: string | null;
  readonly open: boolean;
  readonly expected: number;
  readonly observed: number;
  readonly unit: string;
  readonly score: number;
  readonly sentence: string;
}

export interface AnomaliesResponse {
  readonly incidents: readonly Incident[];
  readonly status: "learning" | "watching";
  /** Whole days of hours with data the detectors have seen, and the days they need. */
  readonly history: { readonly days: number; readonly needed: number };
}

export interface Band {
  readonly value: number;
  readonly p10: number | null;
  readonly p90: number | null;
}

export interface ForecastHour {
  readonly t: number;
  readonly kwh: number;
  readonly p10: number | null;
  readonly p90: number | null;
}

export interface ForecastResponse {
  readonly today: Band;
  readonly nextHour: Band;
  /** The contract names it `month`; the analytics state calls it `monthEnergy` (accepted too). */
  readonly month?: Band;
  readonly monthEnergy?: Band;
  readonly monthCost: Band | null;
  readonly tomorrow: readonly ForecastHour[];
  readonly recentDailyErrorPercent: number | null;
  readonly historyDays: number;
}

export interface MeterDiagnostics {
  readonly meter: string;
  readonly link?: LinkState;
  readonly framesReceived: number;
  readonly framesRejected: Readonly<Record<string, number>>;
  readonly lostFrames: number;
  readonly decryptionFailures: number;
  readonly lastFrameAt: number | string | null;
  readonly totalsHeldBack: number;
  readonly readingsRejected: Readonly<Record<string, number>>;
  readonly stateWriteFailures: number;
  readonly lastStateError: string | null;
  /** Meter clock − host clock, in s; null before a push with a clock (older servers: absent). */
  readonly clockOffsetSeconds?: number | null;
}

export interface DiagnosticsResponse {
  readonly meters: readonly MeterDiagnostics[];
  readonly store: { readonly file: string; readonly bytes: number; readonly intervals: number } | null;
  readonly version: string;
  readonly uptimeSeconds: number;
}

export interface FrameRecord {
  readonly at: string;
  readonly meter: string;
  readonly protocol: string;
  readonly hex: string;
  readonly issue: ApiErrorBody | null;
  readonly readings: number;
}

export const LAYER_NAMES = [
  "hdlc",
  "llc",
  "mbus",
  "gbt",
  "security",
  "apdu",
  "axdr",
  "cosem",
  "iec62056-21",
  "p1",
] as const;

type LayerName = (typeof LAYER_NAMES)[number];

interface InspectLayer {
  readonly layer: LayerName;
  readonly label: string;
  /** Byte offsets into the input, or into `plaintext` when `source` is "plaintext". */
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly note?: string;
  readonly source?: "plaintext";
}

export interface InspectResponse {
  readonly layers: readonly InspectLayer[];
  /** The decrypted APDUs as hex, which the "plaintext" layers point into; null when nothing was decrypted. */
  readonly plaintext: string | null;
  readonly readings: readonly {
    readonly obis: string;
    readonly name: string;
    readonly value: number | string;
    readonly unit: string | null;
  }[];
  readonly issues: readonly ApiErrorBody[];
  readonly summary: {
    readonly protocol: string;
    readonly encrypted: boolean;
    readonly systemTitle: string | null;
    readonly manufacturer: string | null;
    readonly layout: string | null;
  };
}

export interface SetupAdvice {
  readonly level: "ok" | "warn" | "error";
  readonly code: string;
  readonly text: string;
}

export interface SetupResponse {
  readonly bytesPerSecond: number;
  readonly framing: string | null;
  readonly serialFormat: string | null;
  readonly baudRate: number | null;
  readonly encrypted: boolean | null;
  readonly systemTitle: string | null;
  readonly manufacturer: string | null;
  readonly layout: string | null;
  readonly lastFrameAt: string | null;
  readonly advice: readonly SetupAdvice[];
}
