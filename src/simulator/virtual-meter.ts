/**
 * The virtual E450 without I/O: a load model, an identity, push counters and a fault stream. Each call
 * advances the meter to `now` and renders the next push of a format. `now` is passed in (the clock is
 * injected), so the same seed, start and times give the same bytes.
 */
import { applyLinkFaults, type FaultOptions, frameCounterStep, validateFaults, wrongKeys } from "./faults.js";
import { FORMATS, type FormatName } from "./formats/index.js";
import type { OutgoingFrame } from "./formats/outgoing-frame.js";
import type { MeterKeys, PushContext } from "./formats/push-context.js";
import { LoadModel, type RegisterCounters } from "./load-model.js";
import { meterClockIn } from "./local-time.js";
import { identityFromSeed, type MeterIdentity } from "./meter-identity.js";
import { hashUnit, SeededStream } from "./random.js";

const DEFAULT_SEED = 450;

/**
 * Published example keys of the Steiermark E450 capture (esphome-libs/dlms_parser
 * tests/dumps/hdlc_landis_gyr_e450.key/.gak), so a simulated push can be checked with known public
 * values. Being public, they are printed by `e450 simulate --help` and in the README, so a newcomer
 * can decode what the simulator sends.
 */
export const SIMULATOR_DEFAULT_KEYS: MeterKeys = {
  encryptionKey: Buffer.from("5C316162209EBB790B52EB0E7FC5B11C", "hex"),
  authenticationKey: Buffer.from("92705C5C97286064EABAE38D190F87A4", "hex"),
};

export interface MeterStateOptions {
  readonly seed?: number;
  /** Epoch ms at which the meter starts counting energy. */
  readonly start: number;
  /** Peak power of a rooftop PV plant in W; null or absent for none. */
  readonly photovoltaicPeakWatts?: number | null;
  /** Counters a previous run ended with (LoadModelOptions.resumeFrom). */
  readonly resumeFrom?: RegisterCounters;
  /**
   * IANA zone of the meter's clock; default Central European Time, where E450s run, so that the same
   * seed and times give the same bytes on any host. A served meter keeps the host's (server.ts).
   */
  readonly timeZone?: string;
}

export interface MeterState {
  readonly model: LoadModel;
  readonly identity: MeterIdentity;
  /** Invoke-id and frame counter of the next push. */
  invokeId: number;
  frameCounter: number;
  readonly faultStream: SeededStream;
}

export interface PushOptions {
  readonly keys?: MeterKeys;
  readonly faults?: FaultOptions;
}

export interface RenderedPush {
  readonly frames: OutgoingFrame[];
  /** What was encoded: the measurements, counters and (possibly faulty) keys of this push. */
  readonly context: PushContext;
}

export function createMeterState(options: MeterStateOptions): MeterState {
  const seed = (options.seed ?? DEFAULT_SEED) >>> 0;
  return {
    model: new LoadModel({
      seed,
      start: options.start,
      photovoltaicPeakWatts: options.photovoltaicPeakWatts,
      ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
      ...(options.timeZone ? { clock: meterClockIn(options.timeZone) } : {}),
    }),
    identity: identityFromSeed(seed),
    invokeId: Math.floor(hashUnit(seed, 600) * 0x00ff_ffff),
    frameCounter: 0x0010_0000 + Math.floor(hashUnit(seed, 601) * 0x0010_0000),
    faultStream: new SeededStream(seed ^ 0x0fa0_17ed),
  };
}

/** Advances to `now`, renders one push of `format`, applies cipher faults and steps the counters. */
export function nextPush(
  format: FormatName,
  state: MeterState,
  now: number,
  options: PushOptions = {},
): RenderedPush {
  const faults = options.faults ?? {};
  const problems = validateFaults(faults);
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  const configuredKeys = options.keys ?? SIMULATOR_DEFAULT_KEYS;
  const spec = FORMATS[format];
  if (spec.encrypted)
    state.frameCounter = (state.frameCounter + frameCounterStep(faults, state.faultStream) - 1) >>> 0;
  const keys =
    spec.encrypted && state.faultStream.chance(faults.wrongKeyRate ?? 0)
      ? wrongKeys(configuredKeys)
      : configuredKeys;
  const context: PushContext = {
    measurements: state.model.advanceTo(now),
    identity: state.identity,
    invokeId: state.invokeId,
    frameCounter: state.frameCounter,
    keys,
  };
  const frames = spec.render(context);
  state.invokeId = (state.invokeId + 1) >>> 0;
  if (spec.encrypted) state.frameCounter = (state.frameCounter + 1) >>> 0;
  return { frames, context };
}

/** One push as the bytes on the line, link faults included. */
export function generatePush(
  format: FormatName,
  state: MeterState,
  now: number,
  options: PushOptions = {},
): Uint8Array {
  const { frames } = nextPush(format, state, now, options);
  return applyLinkFaults(frames, options.faults ?? {}, state.faultStream);
}
