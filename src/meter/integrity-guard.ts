/**
 * The integrity guard: a total that reaches Home Assistant never goes down and never rises faster
 * than the main fuse allows. Home Assistant's `total_increasing` reads a drop of 10 % or more as a
 * meter reset and books the whole register again as consumption (developer docs, sensor entity,
 * "state_class total_increasing"; home-assistant/core#124420, arendst/Tasmota#10007), so one bad frame can ruin a year of Energy statistics. Suspect readings are held
 * back (dropped from the snapshot), counted and logged with both values; the last good totals persist
 * through a TotalsStore so a restart cannot publish a lower value either.
 *
 * Decisions:
 * - A decrease is never published, however often it repeats. A repeated identical low value is as
 *   likely a systematic fault (a layout that maps another register onto 1.8.0) as a replaced meter,
 *   and a replaced meter usually brings a new serial number or system title, which starts a fresh
 *   baseline by itself. The remaining case (same identity, counter reset) needs one deliberate step:
 *   deleting the state file, which the log message names.
 * - The very first value of a register is held until a second reading confirms it (not lower, not a
 *   jump): otherwise a single corrupt first frame would become a baseline that blocks every correct
 *   reading after it.
 * - A zero total is never published. While a register has never been non-zero (export without PV,
 *   unused tariffs) that is normal and neither counted nor warned about.
 * - Time is the receive time passed in: the clock may be absent, and after a restart the elapsed time
 *   correctly includes the downtime during which energy was consumed. Where both readings carry a
 *   meter clock that ran further (a replay, a fast simulator), the meter's elapsed time bounds the
 *   increase instead: that is the time the meter counted in. A corrupt total still fails, unless its
 *   clock jumped by as much as its energy did.
 * - Unless the host clock is behind the last good reading (corrected after an NTP failure, a Raspberry
 *   Pi without a real-time clock booting with an old time, a restored backup): the elapsed time is then
 *   unknown, not zero — taken as zero it would hold every real increase until the wall clock caught up,
 *   hours or months. The increase is judged on the meter's own clock when both readings carry one
 *   (meter-clock.ts); otherwise the value waits for a second reading that confirms it, as a first value
 *   does, and the baseline still bounds it from below: a decrease is never published. Said once.
 * - A state file that cannot be written is logged once and then hourly (state-write-log.ts); the
 *   guard keeps checking against the totals in memory.
 */
import { compareExact, type ExactNumber, toDecimalString, toNumber } from "../model/exact-number.js";
import { registerInfoFor } from "../obis/registry.js";
import type { Logger } from "../logging/logger.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import type { GoodTotal, GoodTotals, TotalsStore } from "./totals-store.js";
import { type EnergyBaseUnit, isEnergyUnit, subtractExact, toBaseUnit } from "../model/units.js";
import { meterClockElapsedMs } from "./meter-clock.js";
import { type StateWriteHealth, StateWriteLog } from "./state-write-log.js";

export interface IntegrityGuardOptions {
  /**
   * The most power the connection can draw or feed, in kW (3 × 25 A × 230 V = 17.25 kW). It bounds
   * active, reactive and apparent energy alike, since |P| ≤ S and |Q| ≤ S and the fuse limits current.
   */
  readonly maxPowerKw: number;
  /** Allowance for receive-time jitter between pushes; default 2 s. */
  readonly timingSlackMs?: number;
  /** A held register is warned about at its first hold and then at most this often; default 1 h. */
  readonly repeatWarningAfterMs?: number;
}

/** Reasons that make a reading suspect; each is counted and logged. */
export type SuspectReason = "decrease" | "jump" | "zero" | "invalid";
/**
 * Holds that are expected and harmless: not counted as suspect. "elapsed-unknown": the host clock is
 * behind the last good reading and the meter states no usable clock; a second reading confirms it.
 */
type QuietHoldReason = "unused" | "unconfirmed" | "elapsed-unknown";
type HoldReason = SuspectReason | QuietHoldReason;

export interface HeldTotal {
  readonly meterKey: string;
  readonly obis: string;
  readonly registerKey: string;
  readonly reason: HoldReason;
  /** The held value as decimal text in `unit`; null when it was not a number. */
  readonly candidate: string | null;
  /** The last good value in `unit`; null when there is none yet. */
  readonly previous: string | null;
  readonly unit: EnergyBaseUnit | null;
}

export interface GuardResult {
  /** The snapshot without the held totals; every other reading passes untouched. */
  readonly snapshot: Snapshot;
  readonly held: readonly HeldTotal[];
}

export interface GuardCounters {
  readonly suspect: number;
  readonly byReason: Readonly<Record<SuspectReason, number>>;
}

const SUSPECT: ReadonlySet<HoldReason> = new Set<SuspectReason>(["decrease", "jump", "zero", "invalid"]);
const MS_PER_HOUR = 3_600_000;

interface Candidate {
  readonly value: ExactNumber;
  readonly unit: EnergyBaseUnit;
}

/** When a candidate arrived: the host's receive time and the meter's own clock, if the push had one. */
interface Arrival {
  readonly meterKey: string;
  readonly at: number;
  readonly meterTime: string | null;
}

type Verdict =
  | { readonly accept: true; readonly candidate: Candidate }
  | { readonly accept: false; readonly reason: HoldReason };

export class IntegrityGuard {
  private readonly maxPowerW: number;
  private readonly timingSlackMs: number;
  private readonly repeatWarningAfterMs: number;
  private totals: Map<string, Map<string, GoodTotal>> | null = null;
  /** First readings awaiting confirmation, by meter/register. */
  private readonly pending = new Map<string, GoodTotal>();
  /** When a register's current streak of holds was last warned about. */
  private readonly lastWarnedAt = new Map<string, number>();
  private readonly byReason: Record<SuspectReason, number> = { decrease: 0, jump: 0, zero: 0, invalid: 0 };
  private readonly writes: StateWriteLog;
  private clockBehindReported = false;

  constructor(
    private readonly options: IntegrityGuardOptions,
    private readonly store: TotalsStore,
    private readonly logger: Logger,
  ) {
    if (!(options.maxPowerKw > 0)) throw new RangeError("maxPowerKw must be a positive number of kW");
    this.maxPowerW = options.maxPowerKw * 1000;
    this.timingSlackMs = options.timingSlackMs ?? 2000;
    this.repeatWarningAfterMs = options.repeatWarningAfterMs ?? MS_PER_HOUR;
    this.writes = new StateWriteLog(
      `the last good totals to ${store.location}`,
      "The totals are still checked against the ones in memory; after a restart the guard would start from the last saved state.",
      logger,
      this.repeatWarningAfterMs,
    );
  }

  /** The configured bound on power, for the runtime's plausibility checks of instantaneous values. */
  get maxPowerKw(): number {
    return this.options.maxPowerKw;
  }

  /** Whether a total of this meter was let through, in this run or one whose state was loaded. */
  knows(meterKey: string): boolean {
    return (this.loadOnce().get(meterKey)?.size ?? 0) > 0;
  }

  /**
   * Forgets a meter's baselines (after the operator replaced the meter or reset its registers):
   * each of its totals is then published once a second reading confirms it, however low. Saved at
   * once, so a restart does not bring the old baselines back. False when the meter had none.
   */
  forget(meterKey: string, now: number): boolean {
    const totals = this.loadOnce();
    const had = totals.delete(meterKey);
    for (const slots of [this.pending, this.lastWarnedAt]) {
      for (const slot of [...slots.keys()]) if (slot.startsWith(`${meterKey}/`)) slots.delete(slot);
    }
    if (had) this.persist(totals, now);
    return had;
  }

  /** Failed writes of the state file, for the diagnostics. */
  get stateWrites(): StateWriteHealth {
    return this.writes.health;
  }

  get counters(): GuardCounters {
    const byReason = { ...this.byReason };
    const suspect = Object.values(byReason).reduce((sum, count) => sum + count, 0);
    return { suspect, byReason };
  }

  /**
   * Lets through what is plausible; `meterKey` is the sender's identity key (one baseline per
   * physical meter), `receivedAt` the epoch ms the snapshot arrived.
   */
  check(meterKey: string, snapshot: Snapshot, receivedAt: number): GuardResult {
    const totals = this.loadOnce();
    let meterTotals = totals.get(meterKey);
    if (!meterTotals) {
      meterTotals = new Map();
      totals.set(meterKey, meterTotals);
    }
    const arrival: Arrival = { meterKey, at: receivedAt, meterTime: snapshot.meterTime };
    const kept: Reading[] = [];
    const held: HeldTotal[] = [];
    let changed = false;
    for (const reading of snapshot.readings) {
      const info = registerInfoFor(reading.obis);
      if (info?.kind !== "energy" || info.stateClass !== "total_increasing") {
        kept.push(reading);
        continue;
      }
      const slot = `${meterKey}/${info.key}`;
      const candidate = asCandidate(reading, info.unit);
      const baseline = meterTotals.get(info.key);
      const verdict = this.judge(slot, candidate, baseline, arrival);
      if (verdict.accept) {
        const { value } = verdict.candidate;
        if (!baseline || compareExact(baseline.value, value) !== 0) changed = true;
        meterTotals.set(info.key, goodTotal(verdict.candidate, arrival));
        this.pending.delete(slot);
        this.lastWarnedAt.delete(slot);
        kept.push(reading);
        continue;
      }
      const hold: HeldTotal = {
        meterKey,
        obis: reading.obis,
        registerKey: info.key,
        reason: verdict.reason,
        candidate: candidate ? toDecimalString(candidate.value) : null,
        previous: baseline ? toDecimalString(baseline.value) : null,
        unit: candidate?.unit ?? baseline?.unit ?? null,
      };
      held.push(hold);
      this.report(slot, hold, baseline, receivedAt);
    }
    if (changed) this.persist(totals, receivedAt);
    return { snapshot: { ...snapshot, readings: kept }, held };
  }

  private judge(
    slot: string,
    candidate: Candidate | null,
    baseline: GoodTotal | undefined,
    arrival: Arrival,
  ): Verdict {
    if (!candidate) return { accept: false, reason: "invalid" };
    if (candidate.value.raw === 0n) return { accept: false, reason: baseline ? "zero" : "unused" };
    if (candidate.value.raw < 0n) return { accept: false, reason: "invalid" };
    const pending = this.pending.get(slot);
    if (baseline) {
      if (baseline.unit !== candidate.unit) return { accept: false, reason: "invalid" };
      const step = this.stepVerdict(baseline, candidate, arrival);
      if (step !== "elapsed-unknown") return step ?? { accept: true, candidate };
      // Not lower than the baseline, but how long since it is unknown: a second reading confirms it.
      if (
        pending &&
        pending.unit === candidate.unit &&
        this.stepVerdict(pending, candidate, arrival) === null
      ) {
        return { accept: true, candidate };
      }
      this.pending.set(slot, goodTotal(candidate, arrival));
      return { accept: false, reason: "elapsed-unknown" };
    }
    if (pending && pending.unit !== candidate.unit) return { accept: false, reason: "invalid" };
    // No baseline yet: the first value waits for one consistent successor.
    if (pending && this.stepVerdict(pending, candidate, arrival) === null) return { accept: true, candidate };
    this.pending.set(slot, goodTotal(candidate, arrival));
    return { accept: false, reason: "unconfirmed" };
  }

  /**
   * null when the step from `reference` to `candidate` is plausible; "elapsed-unknown" when it is not
   * lower but the time between them is unknown; else why not.
   */
  private stepVerdict(
    reference: GoodTotal,
    candidate: Candidate,
    arrival: Arrival,
  ): { readonly accept: false; readonly reason: SuspectReason } | "elapsed-unknown" | null {
    const increase = subtractExact(candidate.value, reference.value);
    if (increase.raw < 0n) return { accept: false, reason: "decrease" };
    const elapsedMs = this.elapsedMs(reference, arrival);
    if (elapsedMs === null) return "elapsed-unknown";
    return toNumber(increase) > this.allowedIncrease(reference, candidate, elapsedMs)
      ? { accept: false, reason: "jump" }
      : null;
  }

  /**
   * The time since `reference`: the longer of the host's and the meter's clocks; when the host clock
   * is behind it (by more than the jitter allowance), the meter's; null when neither can tell.
   */
  private elapsedMs(reference: GoodTotal, arrival: Arrival): number | null {
    const hostElapsedMs = arrival.at - reference.at;
    if (hostElapsedMs >= -this.timingSlackMs) {
      // A meter whose clock ran further than the host's (a replay, the fast simulator, which the
      // analytics attribute by the meter clock too) can have counted that much energy.
      const meterElapsedMs = meterClockElapsedMs(reference.meterTime, arrival.meterTime) ?? 0;
      return Math.max(0, hostElapsedMs, meterElapsedMs);
    }
    this.reportClockBehind(arrival, reference);
    return meterClockElapsedMs(reference.meterTime, arrival.meterTime);
  }

  /** Max power × elapsed time, plus one digit of the register's resolution (a true 0.4 Wh reads as 1). */
  private allowedIncrease(reference: GoodTotal, candidate: Candidate, elapsedMs: number): number {
    const resolution = 10 ** Math.max(reference.value.scaler, candidate.value.scaler);
    return (this.maxPowerW * (elapsedMs + this.timingSlackMs)) / MS_PER_HOUR + resolution;
  }

  private reportClockBehind(arrival: Arrival, reference: GoodTotal): void {
    if (this.clockBehindReported) return;
    this.clockBehindReported = true;
    const now = new Date(arrival.at).toISOString();
    const lastGoodAt = new Date(reference.at).toISOString();
    this.logger.warn(
      `Integrity guard: the host clock (${now}) is behind the last good reading of meter ${arrival.meterKey} (received ${lastGoodAt}), so the time since then is unknown. Increases are judged on the meter's own clock where both pushes carry it; otherwise a total is published once a second reading confirms it. A total lower than the last good one is still never published. Check the host's time synchronisation (NTP).`,
      { meter: arrival.meterKey, now, lastGoodAt },
    );
  }

  private report(slot: string, hold: HeldTotal, baseline: GoodTotal | undefined, now: number): void {
    if (!SUSPECT.has(hold.reason)) return;
    this.byReason[hold.reason as SuspectReason] += 1;
    const warnedAt = this.lastWarnedAt.get(slot);
    // After the host clock went back (now < warnedAt) the interval is unknown: warn again.
    if (warnedAt !== undefined && now >= warnedAt && now - warnedAt < this.repeatWarningAfterMs) return;
    this.lastWarnedAt.set(slot, now);
    const fields = {
      meter: hold.meterKey,
      register: hold.registerKey,
      obis: hold.obis,
      reason: hold.reason,
      held: hold.candidate,
      lastGood: hold.previous,
      unit: hold.unit,
      lastGoodAt: baseline ? new Date(baseline.at).toISOString() : null,
      heldSoFar: this.byReason[hold.reason as SuspectReason],
    };
    const unit = hold.unit ?? "";
    const values = `${hold.candidate ?? "(not a number)"} ${unit} held back, last good ${hold.previous ?? "none"} ${unit}`;
    const why = {
      decrease: "lower than the last published total",
      jump: `a larger increase than ${this.options.maxPowerKw} kW could deliver since the last good reading`,
      zero: "zero after non-zero readings",
      invalid: "not a valid energy value",
    }[hold.reason as SuspectReason];
    const hint =
      hold.reason === "decrease" || hold.reason === "zero"
        ? ` If this meter's registers were reset, set the add-on option reset_integrity_guard to today's date (outside the add-on: stop e450, delete ${this.store.location} and start it again); a replaced meter with a new serial number or system title gets a fresh baseline by itself.`
        : "";
    this.logger.warn(`Integrity guard: ${hold.registerKey} ${values}: ${why}.${hint}`, fields);
  }

  private loadOnce(): Map<string, Map<string, GoodTotal>> {
    if (this.totals) return this.totals;
    let loaded: GoodTotals = new Map();
    try {
      loaded = this.store.load();
    } catch (error) {
      this.logger.error(
        `Integrity guard: cannot read the last good totals (${(error as Error).message}); starting without baselines, each total waits for two consistent readings`,
      );
    }
    this.totals = new Map([...loaded].map(([meter, registers]) => [meter, new Map(registers)]));
    return this.totals;
  }

  private persist(totals: GoodTotals, now: number): void {
    try {
      this.store.save(totals);
    } catch (error) {
      this.writes.failed(error, now);
      return;
    }
    this.writes.succeeded();
  }
}

function goodTotal(candidate: Candidate, arrival: Arrival): GoodTotal {
  const { value, unit } = candidate;
  return arrival.meterTime === null
    ? { value, unit, at: arrival.at }
    : { value, unit, at: arrival.at, meterTime: arrival.meterTime };
}

function asCandidate(reading: Reading, registeredUnit: string | null): Candidate | null {
  if (reading.value.kind !== "number") return null;
  const unit = reading.value.unit ?? registeredUnit;
  const quantity = unit === null ? null : toBaseUnit(reading.value.exact, unit);
  if (!quantity || !isEnergyUnit(quantity.unit)) return null;
  return { value: quantity.exact, unit: quantity.unit };
}
