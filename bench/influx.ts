/**
 * The InfluxDB forwarder against a real influxd 1.x on loopback: what the durable queue costs over a
 * plain write, how fast a day's backlog is sent after an outage, and how big a day is on disk.
 *
 * The points are one meter's 24 hours as the service makes them: the virtual E450's Swiss push every
 * 5 s of meter time, decoded by the real decoder, with the runtime's identity and derived values and a
 * diagnostics event every 10 s, fed to the InfluxPlugin with the default options (totals every push,
 * power every 10 s, every measurement, batches of 5000, gzip) while the server cannot be reached: the
 * plugin queues the whole day. Those queued rows are then the lines of every figure:
 * - baseline "direct": the same lines sent in batches of 5000 by the same HttpWriteEndpoint, no queue;
 * - "queue": the rows appended to a fresh DurableQueue in commits of at most one batch (5000 lines), as
 *   the plugin commits a burst, then drained by the real Forwarder; queue/direct is (append + drain) /
 *   direct (issue 11: at most 2×). Live, with a push every 5 s, each push is its own commit: that cost
 *   is printed per push as well;
 * - "backlog catch-up": the plugin started again on the day's queue file with the server up, timed
 *   until the queue is empty (target under 60 s).
 * Each database is counted afterwards with SELECT count(*), so a figure never rests on points the
 * server did not keep. Skipped with a message where influxd is not installed.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { median } from "simple-statistics";
import { EventBus } from "../src/bus/event-bus.js";
import type { MeterBus, MeterEvents } from "../src/bus/events.js";
import { influxFromOptions } from "../src/config/influx-options.js";
import { derivedReadings } from "../src/meter/derived.js";
import { MeterIdentities } from "../src/meter/identities.js";
import { StreamDecoder } from "../src/reader/stream-decoder.js";
import { createMeterState, generatePush } from "../src/simulator/index.js";
import { Forwarder } from "../src/sinks/influx/forwarder.js";
import { HttpWriteEndpoint } from "../src/sinks/influx/http-writer.js";
import { InfluxPlugin } from "../src/sinks/influx/influx-plugin.js";
import { DurableQueue } from "../src/sinks/influx/queue.js";
import type { InfluxOptions } from "../src/sinks/influx/settings.js";
import { BenchInfluxd, freePort, influxdBinary } from "./influxd.js";

const ZONE = "Europe/Zurich";
const START = Date.UTC(2026, 0, 5);
const PUSH_MS = 5_000;
const PUSHES = 17_280;
/** The runtime's diagnostics period (meter/runtime.ts), in pushes. */
const DIAGNOSTICS_EVERY = 10_000 / PUSH_MS;
const METER = "meter";
/** Far above any figure here; only a forwarder that stopped writing reaches it. */
const DRAIN_TIMEOUT_MS = 300_000;
const POLL_MS = 10;
/** Rounds of direct and queued writes, alternating. */
const ROUNDS = 3;
const CATCH_UP_TARGET_MS = 60_000;
const QUEUE_RATIO_TARGET = 2;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface Push {
  readonly snapshot: MeterEvents["snapshot"];
  readonly diagnostics: MeterEvents["diagnostics"] | null;
}

/** The default options of the influxdb group with this url and database. */
function optionsFor(url: string, database: string): InfluxOptions {
  const options = influxFromOptions({ url, version: 1, database, measurements: [] });
  if (!options) throw new Error("influxFromOptions turned forwarding off");
  return options;
}

/** A bus on which a failing listener fails the benchmark. */
function newBus(): MeterBus {
  return new EventBus<MeterEvents>((event, error) => {
    throw new Error(`a ${String(event)} listener failed: ${(error as Error).message}`);
  });
}

/** One day of the virtual E450's Swiss pushes through the real decoder, as the runtime would publish them. */
function meterDay(): Push[] {
  const state = createMeterState({ start: START, photovoltaicPeakWatts: 5_000, timeZone: ZONE });
  const decoder = new StreamDecoder();
  const identities = new MeterIdentities(METER);
  const day: Push[] = [];
  for (let i = 0; i < PUSHES; i++) {
    const at = START + i * PUSH_MS;
    for (const output of decoder.push(generatePush("swiss", state, at), at)) {
      if (output.kind !== "snapshot") continue;
      const { snapshot } = output;
      const identity = identities.identify(snapshot);
      const stats = decoder.stats;
      const diagnostics =
        i % DIAGNOSTICS_EVERY === 0
          ? {
              meter: METER,
              at: at + PUSH_MS / 2,
              diagnostics: {
                bytesReceived: stats.bytesReceived,
                framesReceived: stats.framesReceived,
                framesRejected: Object.fromEntries(stats.rejected),
                lostFrames: stats.lostFrames,
                decryptionFailures: stats.decryptionFailures,
                lastFrameAt: stats.lastFrameAt,
                totalsHeldBack: 0,
                readingsRejected: {},
                stateWriteFailures: 0,
                lastStateError: null,
                line: null,
                clockOffsetSeconds: 0,
              },
            }
          : null;
      const derived = derivedReadings(snapshot.readings);
      day.push({ snapshot: { meter: METER, identity, snapshot, derived, receivedAt: at }, diagnostics });
    }
  }
  if (day.length !== PUSHES) throw new Error(`decoded ${day.length} pushes of ${PUSHES}`);
  return day;
}

/**
 * The plugin with the server away: every push on its own turn of the event loop, as pushes arrive
 * (committed every 100 ms or 5000 lines, as the plugin does). Returns the time taken; the queue file
 * holds the day.
 */
async function queueWhileDown(day: readonly Push[], queueFile: string): Promise<number> {
  const bus = newBus();
  const nobody = `http://127.0.0.1:${await freePort()}`;
  const plugin = new InfluxPlugin(optionsFor(nobody, "e450"), queueFile, quiet, { meterTimeZone: ZONE });
  plugin.start(bus);
  try {
    const first = day[0]!.snapshot;
    bus.emit("availability", { meter: METER, identity: first.identity, online: true, timeoutMs: 15_000 });
    const started = performance.now();
    for (const push of day) {
      bus.emit("snapshot", push.snapshot);
      if (push.diagnostics) bus.emit("diagnostics", push.diagnostics);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return performance.now() - started;
  } finally {
    await plugin.stop();
  }
}

/** Bytes this process caused to be written to storage (Linux /proc/self/io). */
function writtenBytes(): number {
  return Number(/write_bytes: (\d+)/.exec(readFileSync("/proc/self/io", "utf8"))?.[1] ?? Number.NaN);
}

/** The queue file with its WAL, as it stands on disk. */
function fileBytes(file: string): number {
  return [file, `${file}-wal`, `${file}-shm`].reduce((sum, part) => {
    try {
      return sum + statSync(part).size;
    } catch {
      return sum;
    }
  }, 0);
}

async function waitFor(condition: () => boolean, what: string, detail: () => string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Points the lines make: one per series and timestamp (a repeated one overwrites in InfluxDB). */
function distinctPoints(lines: readonly string[]): number {
  const key = (line: string) => `${/^(?:[^ \\]|\\.)*/.exec(line)![0]}${line.slice(line.lastIndexOf(" "))}`;
  return new Set(lines.map(key)).size;
}

/**
 * Points the database holds: per series, the count of its most often present field (each series here
 * has a field in every point: registers value, energy import_kwh, link bytes_received …).
 */
async function pointsIn(server: BenchInfluxd, database: string): Promise<number> {
  const series = await server.query("SELECT count(*) FROM /.*/ GROUP BY *", database);
  return series.reduce(
    (sum, one) => sum + Math.max(...(one.values[0] ?? []).map((v) => (typeof v === "number" ? v : 0))),
    0,
  );
}

async function verified(server: BenchInfluxd, database: string, expected: number): Promise<void> {
  const held = await pointsIn(server, database);
  if (held !== expected) throw new Error(`database ${database} holds ${held} points, expected ${expected}`);
}

async function direct(
  server: BenchInfluxd,
  database: string,
  lines: readonly string[],
  batch: number,
): Promise<number> {
  await server.query(`CREATE DATABASE "${database}"`);
  const endpoint = new HttpWriteEndpoint(optionsFor(server.url, database), undefined);
  const started = performance.now();
  for (let i = 0; i < lines.length; i += batch) {
    const outcome = await endpoint.write(lines.slice(i, i + batch));
    if (outcome.kind !== "written") throw new Error(`direct write: ${JSON.stringify(outcome)}`);
  }
  return performance.now() - started;
}

/** The rows cut into commits of at most `maxLines` lines, as the plugin commits a burst. */
function commitsOf(groups: readonly (readonly string[])[], maxLines: number): (readonly string[])[][] {
  const commits: (readonly string[])[][] = [];
  let current: (readonly string[])[] = [];
  let lines = 0;
  for (const group of groups) {
    current.push(group);
    lines += group.length;
    if (lines >= maxLines) {
      commits.push(current);
      current = [];
      lines = 0;
    }
  }
  if (current.length > 0) commits.push(current);
  return commits;
}

/** Live: one commit per push (a push every 5 s); µs per push, on a queue of its own. */
function livePerPushMicros(groups: readonly (readonly string[])[], file: string): number {
  const queue = DurableQueue.open(file, quiet);
  try {
    const started = performance.now();
    for (const group of groups) queue.append([group]);
    return ((performance.now() - started) * 1000) / groups.length;
  } finally {
    queue.close();
  }
}

async function throughQueue(
  server: BenchInfluxd,
  database: string,
  groups: readonly (readonly string[])[],
  file: string,
) {
  await server.query(`CREATE DATABASE "${database}"`);
  const options = optionsFor(server.url, database);
  const queue = DurableQueue.open(file, quiet);
  try {
    globalThis.gc?.();
    const ioBefore = writtenBytes();
    const appendStarted = performance.now();
    for (const commit of commitsOf(groups, options.batchLines)) queue.append(commit);
    const appendMs = performance.now() - appendStarted;
    const appendIo = writtenBytes() - ioBefore;
    const appendFile = fileBytes(file);
    const forwarder = new Forwarder(
      queue,
      new HttpWriteEndpoint(options, undefined),
      { batchLines: options.batchLines, flushMs: options.flushMs },
      quiet,
    );
    const drainStarted = performance.now();
    forwarder.start();
    try {
      await waitFor(
        () => queue.current().lines === 0,
        "the forwarder to empty the queue",
        () => JSON.stringify(forwarder.status(0)),
      );
      return { appendMs, appendIo, appendFile, drainMs: performance.now() - drainStarted };
    } finally {
      await forwarder.stop();
    }
  } finally {
    queue.close();
  }
}

/** The plugin started on the day's queue with the server up, as after an outage; until the queue is empty. */
async function catchUp(server: BenchInfluxd, queueFile: string): Promise<number> {
  await server.query('CREATE DATABASE "backlog"');
  const bus = newBus();
  const plugin = new InfluxPlugin(optionsFor(server.url, "backlog"), queueFile, quiet, {
    meterTimeZone: ZONE,
  });
  const started = performance.now();
  plugin.start(bus);
  // A second, read-only connection (once the plugin has the file open): the plugin keeps its queue to itself.
  let probe: Database.Database | undefined;
  try {
    probe = new Database(queueFile, { readonly: true });
    const queued = probe.prepare("SELECT EXISTS (SELECT 1 FROM queue)").pluck();
    await waitFor(
      () => queued.get() === 0,
      "the plugin to send the backlog",
      () => `${probe?.prepare("SELECT count(*) FROM queue").pluck().get()} rows still queued`,
    );
    return performance.now() - started;
  } finally {
    probe?.close();
    await plugin.stop();
  }
}

export async function benchInflux(): Promise<void> {
  const binary = influxdBinary();
  if (!binary) {
    console.log("influx: skipped, influxd is not installed (scripts/install-test-deps.sh installs it)");
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-influx-"));
  let server: BenchInfluxd | undefined;
  try {
    const day = meterDay();
    const dayFile = join(folder, "influxdb-queue.sqlite");
    globalThis.gc?.();
    const ingestMs = await queueWhileDown(day, dayFile);
    const dayBytes = fileBytes(dayFile);

    const saved = DurableQueue.open(dayFile, quiet);
    const groups = saved.take(Number.MAX_SAFE_INTEGER, "oldest").map((row) => row.lines);
    const size = saved.current();
    saved.close();
    const lines = groups.flat();
    const points = distinctPoints(lines);
    const linkRows = day.filter((push) => push.diagnostics).length;
    if (groups.length !== PUSHES + linkRows) {
      throw new Error(
        `the plugin queued ${groups.length} rows, expected ${PUSHES} pushes + ${linkRows} link`,
      );
    }

    server = await BenchInfluxd.start(binary, join(folder, "influxd"));
    const version = await server.version();
    const defaults = optionsFor(server.url, "direct");
    const batch = defaults.batchLines;
    // Rounds alternate the two ways on fresh databases, so that a busy moment of a shared machine or
    // of influxd's own compactions does not land on one of them only; figures are medians.
    const rounds: {
      directMs: number;
      appendMs: number;
      appendIo: number;
      appendFile: number;
      drainMs: number;
    }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const directMs = await direct(server, `direct_${round}`, lines, batch);
      await verified(server, `direct_${round}`, points);
      const queued = await throughQueue(
        server,
        `queued_${round}`,
        groups,
        join(folder, `queue-${round}.sqlite`),
      );
      await verified(server, `queued_${round}`, points);
      rounds.push({ directMs, ...queued });
    }
    const liveMicros = livePerPushMicros(groups, join(folder, "queue-live.sqlite"));
    const catchUpMs = await catchUp(server, dayFile);
    const countStarted = performance.now();
    await verified(server, "backlog", points);
    const countMs = performance.now() - countStarted;

    const of = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
    const directMs = of((r) => r.directMs);
    const appendMs = of((r) => r.appendMs);
    const drainMs = of((r) => r.drainMs);
    const endToEndMs = of((r) => r.appendMs + r.drainMs);
    const ratios = rounds.map((r) => (r.appendMs + r.drainMs) / r.directMs);
    const ratio = median(ratios);
    const rate = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString("en");
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    const out = [
      `influx: one meter's 24 h (virtual E450, Swiss push every 5 s of meter time) → influxd ${version} on loopback, default options (totals every push, power every 10 s, batch ${batch}, gzip)`,
      `  day: ${PUSHES.toLocaleString("en")} pushes + ${linkRows.toLocaleString("en")} link points = ${lines.length.toLocaleString("en")} lines (${(lines.length / PUSHES).toFixed(1)} per push), ${points.toLocaleString("en")} distinct points, ${mb(size.bytes)} MB of line protocol`,
      `  plugin, server down (build lines, commit every 100 ms, one push per event-loop turn): ${rate(PUSHES, ingestMs)} pushes/s, ${(ingestMs / 1000).toFixed(1)} s for the day`,
      `  queue file for the day: ${mb(dayBytes)} MB = ${Math.round(dayBytes / PUSHES)} bytes per push; line protocol in it ${mb(size.bytes)} MB (what max_queue_mb caps: the default ${mb(defaults.maxQueueBytes)} MB holds ${(defaults.maxQueueBytes / size.bytes).toFixed(0)} days)`,
      `  ${ROUNDS} rounds, each writing the day to fresh databases and counting every point back (${points.toLocaleString("en")} each); medians:`,
      `  baseline "direct" (HttpWriteEndpoint.write, batches of ${batch}, no queue): ${directMs.toFixed(0)} ms = ${rate(lines.length, directMs)} lines/s`,
      `  queue append (DurableQueue, ${groups.length.toLocaleString("en")} rows in commits of ≤ ${batch} lines, as the plugin commits a burst): ${appendMs.toFixed(0)} ms = ${rate(groups.length, appendMs)} rows/s, ${rate(lines.length, appendMs)} lines/s; ${mb(of((r) => r.appendIo))} MB written to disk, file ${mb(of((r) => r.appendFile))} MB with its WAL`,
      `  queue append live (one commit per push, a push every 5 s): ${liveMicros.toFixed(0)} µs per push = ${((liveMicros / 5_000_000) * 100).toFixed(4)} % of one core`,
      `  queue drain (Forwarder → influxd): ${drainMs.toFixed(0)} ms = ${rate(lines.length, drainMs)} points/s = ${median(rounds.map((r) => r.drainMs / r.directMs)).toFixed(2)}× direct`,
      `  queue end to end (append + drain): ${endToEndMs.toFixed(0)} ms = ${rate(lines.length, endToEndMs)} points/s = ${ratio.toFixed(2)}× direct (rounds ${ratios.map((r) => r.toFixed(2)).join(", ")}; target ≤ ${QUEUE_RATIO_TARGET}×: ${verdict(ratio <= QUEUE_RATIO_TARGET)})`,
      `  backlog catch-up (plugin restarted on the day's queue, server up): ${(catchUpMs / 1000).toFixed(1)} s until the queue is empty = ${rate(lines.length, catchUpMs)} points/s, every point counted back in ${countMs.toFixed(0)} ms (target < ${CATCH_UP_TARGET_MS / 1000} s: ${verdict(catchUpMs < CATCH_UP_TARGET_MS)})`,
    ];
    process.stdout.write(`${out.join("\n")}\n`);
  } finally {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
