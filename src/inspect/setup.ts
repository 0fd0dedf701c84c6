/**
 * The setup assistant (GET /api/setup): from what the line carried recently, what it is (bytes per
 * second, framing, encrypted or not, who sent it, which layout matched) and, in plain words, what
 * to do next. Getting the first push decoded is where most owners of an E450 get stuck: the cable,
 * the line settings, the key, the operator's layout (../shared/research/peers.md, "Opaque
 * decryption failures", "E450 push layouts differ per DSO"). Pure: the observation comes in, the
 * report goes out; the keys only decrypt the recent frames and never appear in the report.
 */
import type { Keys } from "../dlms/cipher.js";
import { concat } from "../model/bytes.js";
import type { SerialFormat } from "../model/serial-format.js";
import type { Snapshot } from "../model/snapshot.js";
import { inspectFrame } from "./inspect.js";
import { adviceFor, type Evidence } from "./setup-advice.js";
import type { SetupFraming, SetupObservation, SetupReport } from "./setup-types.js";
import type { InspectSummary } from "./types.js";

/** The window the rates and recent evidence are taken over. */
const WINDOW_MS = 60_000;
/** Frames inspected together: a few pushes of four GBT blocks (E450, ../shared/research/e450-protocols.md §3). */
const INSPECTED_FRAMES = 12;

export function setupReport(observation: SetupObservation): SetupReport {
  const { now } = observation;
  const windowStart = Math.max(now - WINDOW_MS, observation.watchingSince);
  const seconds = Math.max(1, (now - windowStart) / 1000);
  const recent = <T extends { at: number }>(items: readonly T[]) =>
    items.filter((item) => item.at >= windowStart);
  const frames = recent(observation.frames);
  const traffic = observation.traffic ? recent(observation.traffic) : null;
  const bytes = traffic
    ? traffic.reduce((sum, sample) => sum + sample.bytes, 0)
    : frames.reduce((sum, frame) => sum + frame.raw.length, 0);
  const inspected = frames.length > 0 ? inspectRecent(frames, observation.keys) : null;
  const latest =
    observation.latest && observation.latest.at >= windowStart ? observation.latest.snapshot : null;
  const framing = framingOf(inspected?.summary ?? null, latest, bytes, traffic !== null);
  const evidence: Evidence = {
    observation,
    watchedMs: now - observation.watchingSince,
    bytes,
    bytesPerSecond: bytes / seconds,
    countsBytes: traffic !== null,
    framing,
    frames: frames.length,
    reported: recent(observation.issues).map((entry) => entry.issue),
    inspected: inspected?.issues ?? [],
    summary: inspected?.summary ?? null,
    decoded: latest,
  };
  const format = observation.line?.format ?? null;
  return {
    bytesPerSecond: Math.round((bytes / seconds) * 10) / 10,
    framing,
    serialFormat: format ? describeFormat(format) : null,
    baudRate: format?.baudRate ?? null,
    encrypted: encryptedOf(inspected?.summary ?? null, latest),
    systemTitle: inspected?.summary.systemTitle ?? latest?.systemTitle ?? null,
    manufacturer: inspected?.summary.manufacturer ?? null,
    layout: inspected?.summary.layout ?? null,
    lastFrameAt: observation.diagnostics?.lastFrameAt ?? observation.frames.at(-1)?.at ?? null,
    advice: adviceFor(evidence),
  };
}

/** The recent frames decoded together, as the inspector does: a push spans several of them. */
function inspectRecent(frames: readonly { raw: Uint8Array }[], keys: Keys) {
  return inspectFrame(concat(frames.slice(-INSPECTED_FRAMES).map((frame) => frame.raw)), keys);
}

function framingOf(
  summary: InspectSummary | null,
  latest: Snapshot | null,
  bytes: number,
  countsBytes: boolean,
): SetupFraming | null {
  if (summary?.protocol === "hdlc" || summary?.protocol === "mbus") return summary.protocol;
  // Readouts and telegrams are no `frame` events: the decoded snapshot says what came.
  if (latest?.source === "iec62056-21-readout") return "iec62056-21";
  if (latest?.source === "p1-telegram") return "p1";
  if (bytes > 0) return "noise";
  return countsBytes ? "nothing" : null;
}

function encryptedOf(summary: InspectSummary | null, latest: Snapshot | null): boolean | null {
  if (summary?.protocol) return summary.encrypted;
  if (latest) return latest.systemTitle !== undefined;
  return null;
}

/** "8E1", as the serial settings are written on adapters and in operators' interface descriptions. */
function describeFormat(format: SerialFormat): string {
  return `${format.dataBits}${format.parity[0]!.toUpperCase()}${format.stopBits}`;
}
