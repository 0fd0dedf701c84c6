/**
 * Many meters in one `e450 run` (issue 12, "Scale"): N virtual meters (N = 1, 10, 100, 500) served as
 * TCP bridges by one separate process (bench/scale-meters.ts), each pushing every 5 s at real speed,
 * the real interval of the format; one `e450 run` child, started as the add-on starts it, reads them
 * all through a `meters:` list and publishes to a real Mosquitto. The baseline is N = 1, measured the
 * same way in the same run.
 *
 * The start is timed too: until every meter's first state is out, and until e450 has caught up (every
 * push of the last two intervals out within 2 s). Then, after a warm-up, over the same window for
 * every N:
 * - CPU per push, end to end (decode → guard → publish, and whatever else the service does meanwhile:
 *   analytics, state files, diagnostics): utime + stime of the e450 process (/proc/<pid>/stat, every
 *   thread) over the window ÷ the pushes of the window that came out at the broker;
 * - delay from frame sent to MQTT publish received: the fleet stamps each push just before writing it
 *   to the socket, a subscriber here stamps the arrival of its state at the broker's subscriber side,
 *   both on CLOCK_MONOTONIC. What is matched: `<base>/meter/<serial>/meter_clock`, the meter's clock,
 *   the one state that is new on every push (energy totals stand still at low load). It is a "fast"
 *   entity, held back by publish_interval; with publish_interval 1 and a push every 5 s the gate never
 *   holds it (sinks/mqtt/publish-gate.ts), so every push shows, matched by serial + meter time.
 *   Only live messages count (retain false);
 * - RSS (VmRSS, sampled every second, the median), and per meter over the baseline:
 *   (RSS − RSS at N = 1) / (N − 1);
 * - pushes sent in the window against pushes published: none may be lost; and meters marked offline
 *   in the window (live `<base>/meter/<serial>/status` "offline"): none may be, pushing every 5 s.
 * Targets (issue 12) for 500 meters: ≤ 0.25 ms CPU per push, p99 ≤ 20 ms, RSS ≤ 80 MB + 0.3 MB per
 * meter. Skipped with a message where Mosquitto is not installed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { connectAsync, type MqttClient } from "mqtt";
import { median, quantileSorted } from "simple-statistics";
import { BenchMosquitto, mosquittoBinary } from "./scale-broker.js";
import { FLEET_SCRIPT, type FleetMeter, parseFleetLine } from "./scale-meters.js";

const COUNTS = [1, 10, 100, 500] as const;
const PUSH_MS = 5_000;
/** After catching up: JIT, the first minutes' analytics, the gate's first sends. */
const WARM_UP_MS = 5_000;
const WINDOW_MS = 30_000;
/** After the window, for the window's last pushes to come out. */
const GRACE_MS = 2_000;
/**
 * From e450's start until it has caught up (below). Generous: each meter's first push, and again its
 * first analytics state, rewrites the record of every announced device (sinks/mqtt/stale-entities.ts
 * save()), so the start grows with N² (one to four minutes for 500 meters on this machine).
 */
const STARTUP_TIMEOUT_MS = 240_000;
/**
 * Caught up: every push of the last two intervals, but the last this many ms, came out within this
 * many ms. After the first publishes alone e450 may still be working off a backlog for a minute.
 */
const CAUGHT_UP_MS = 2_000;
const STOP_TIMEOUT_MS = 10_000;
const BASE_TOPIC = "e450";
const CLOCK_ENTITY = "meter_clock";
/** As the add-on starts the service (rootfs/etc/s6-overlay/s6-rc.d/e450/run). */
const NODE_FLAGS = ["--max-semi-space-size=1"];
const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));
/** USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux architecture (proc(5)). */
const CLOCK_TICKS_PER_S = 100;
const TARGET_CPU_MS = 0.25;
const TARGET_P99_MS = 20;
const TARGET_RSS_BASE_MB = 80;
const TARGET_RSS_PER_METER_MB = 0.3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowNs = () => process.hrtime.bigint();

interface Figures {
  readonly meters: number;
  /** From e450's start until every meter's first state had arrived. */
  readonly firstPublishMs: number;
  /** From e450's start until it had caught up with the pushes. */
  readonly caughtUpMs: number;
  readonly sent: number;
  readonly published: number;
  readonly cpuMs: number;
  readonly delaysMs: readonly number[];
  readonly rssMb: number;
  /** Meters marked offline during the window. */
  readonly offline: number;
}

/** Lines of a child's output kept for an error message. */
function tail(child: ChildProcess): () => string {
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => output;
}

async function stopChild(child: ChildProcess, stop: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  stop();
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The fleet process: its meters once they listen, and every push's send time by serial + meter time. */
class Fleet {
  private constructor(
    private readonly child: ChildProcess,
    readonly meters: readonly FleetMeter[],
    readonly sent: ReadonlyMap<string, bigint>,
  ) {}

  static async start(count: number): Promise<Fleet> {
    const child = spawn(process.execPath, [FLEET_SCRIPT, String(count), String(PUSH_MS)], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const output = tail(child);
    const sent = new Map<string, bigint>();
    const meters = await new Promise<readonly FleetMeter[]>((resolve, reject) => {
      child.once("exit", () => reject(new Error(`the meter fleet exited:\n${output()}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        const parsed = parseFleetLine(line);
        if (parsed?.kind === "ready") resolve(parsed.meters);
        else if (parsed?.kind === "push") sent.set(`${parsed.serial} ${parsed.local}`, parsed.sentNs);
      });
    });
    return new Fleet(child, meters, sent);
  }

  stop(): Promise<void> {
    return stopChild(this.child, () => this.child.stdin?.end());
  }
}

interface Subscriber {
  readonly client: MqttClient;
  /** Arrival times of live meter-clock states, by meter key (the serial) + meter time. */
  readonly arrived: ReadonlyMap<string, bigint>;
  /** Meter keys seen so far. */
  readonly meters: ReadonlySet<string>;
  /** When a meter was marked offline (its live status message); none is due with pushes every 5 s. */
  readonly offline: readonly bigint[];
}

async function subscribe(url: string): Promise<Subscriber> {
  const arrived = new Map<string, bigint>();
  const meters = new Set<string>();
  const offline: bigint[] = [];
  const client = await connectAsync(url, { clean: true, reconnectPeriod: 0 });
  client.on("message", (topic, payload, packet) => {
    const at = nowNs();
    if (packet.retain) return;
    const [, , meterKey = "", entity] = topic.split("/");
    if (entity === "status") {
      if (payload.toString() === "offline") offline.push(at);
      return;
    }
    meters.add(meterKey);
    // "2026-01-15T08:30:05+01:00": the local part is what the meter sent.
    const key = `${meterKey} ${payload.toString().slice(0, 19)}`;
    if (!arrived.has(key)) arrived.set(key, at);
  });
  await client.subscribeAsync([`${BASE_TOPIC}/meter/+/${CLOCK_ENTITY}`, `${BASE_TOPIC}/meter/+/status`], {
    qos: 0,
  });
  return { client, arrived, meters, offline };
}

/** Whether every push of the last two intervals (but the last CAUGHT_UP_MS) came out within CAUGHT_UP_MS. */
function caughtUp(sent: ReadonlyMap<string, bigint>, arrived: ReadonlyMap<string, bigint>, count: number) {
  const lagNs = BigInt(CAUGHT_UP_MS) * 1_000_000n;
  const to = nowNs() - lagNs;
  const from = to - BigInt(2 * PUSH_MS) * 1_000_000n;
  let due = 0;
  for (const [key, at] of sent) {
    if (at < from || at >= to) continue;
    due++;
    const arrival = arrived.get(key);
    if (arrival === undefined || arrival - at > lagNs) return false;
  }
  return due >= count;
}

function options(meters: readonly FleetMeter[]): object {
  return {
    meters: meters.map(({ port }, i) => ({
      name: `Meter ${i + 1}`,
      connection: "tcp",
      tcp_host: "127.0.0.1",
      tcp_port: port,
    })),
    base_topic: BASE_TOPIC,
    publish_interval: 1,
  };
}

function cpuTicks(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (proc(5)).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Polls `condition` every `pollMs` until `deadline` (epoch ms). */
async function waitFor(
  condition: () => boolean,
  deadline: number,
  pollMs: number,
  what: () => string,
): Promise<void> {
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(pollMs);
  }
}

async function measure(count: number, brokerUrl: string, folder: string): Promise<Figures> {
  const fleet = await Fleet.start(count);
  const { client, arrived, meters, offline } = await subscribe(brokerUrl);
  const config = join(folder, `options-${count}.json`);
  const dataDir = join(folder, `data-${count}`);
  mkdirSync(dataDir);
  writeFileSync(config, JSON.stringify(options(fleet.meters)));
  const args = [...NODE_FLAGS, CLI, "run", "--config", config, "--data-dir", dataDir, "--mqtt", brokerUrl];
  const startedAt = Date.now();
  const e450 = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = tail(e450);
  try {
    const alive = () => {
      if (e450.exitCode !== null) throw new Error(`e450 run exited:\n${output()}`);
    };
    const deadline = startedAt + STARTUP_TIMEOUT_MS;
    const said = () => `; e450 said:\n${output()}`;
    const allSeen = () => {
      alive();
      return meters.size >= count;
    };
    await waitFor(
      allSeen,
      deadline,
      50,
      () => `the first publish of all ${count} meters (${meters.size} seen)${said()}`,
    );
    const firstPublishMs = Date.now() - startedAt;
    const settled = () => {
      alive();
      return caughtUp(fleet.sent, arrived, count);
    };
    // Once a second: the check walks every push so far, and this process shares the cores with e450.
    await waitFor(settled, deadline, 1000, () => `e450 to catch up with ${count} meters${said()}`);
    const caughtUpMs = Date.now() - startedAt;
    await sleep(WARM_UP_MS);
    alive();
    const pid = e450.pid!;
    const startNs = nowNs();
    const cpuStart = cpuTicks(pid);
    const rss: number[] = [];
    for (let second = 0; second < WINDOW_MS / 1000; second++) {
      await sleep(1000);
      rss.push(rssMb(pid));
    }
    const cpuEnd = cpuTicks(pid);
    const endNs = nowNs();
    alive();
    await sleep(GRACE_MS);

    const delaysMs: number[] = [];
    let sent = 0;
    for (const [key, at] of fleet.sent) {
      if (at < startNs || at >= endNs) continue;
      sent++;
      const arrival = arrived.get(key);
      if (arrival !== undefined) delaysMs.push(Number(arrival - at) / 1e6);
    }
    return {
      meters: count,
      firstPublishMs,
      caughtUpMs,
      sent,
      published: delaysMs.length,
      cpuMs: ((cpuEnd - cpuStart) * 1000) / CLOCK_TICKS_PER_S,
      delaysMs: delaysMs.sort((a, b) => a - b),
      rssMb: median(rss),
      offline: offline.filter((at) => at >= startNs && at < endNs).length,
    };
  } finally {
    await stopChild(e450, () => e450.kill("SIGTERM"));
    await client.endAsync();
    await fleet.stop();
  }
}

const fixed = (value: number, digits: number, width: number) => value.toFixed(digits).padStart(width);
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const cpuPerPush = (f: Figures) => f.cpuMs / f.published;
const p99 = (f: Figures) => (f.delaysMs.length === 0 ? Number.NaN : quantileSorted(f.delaysMs, 0.99));

const HEADER =
  "  meters  first publish of all  caught up  sent  published  lost  offline  CPU/push ms (× N=1)  CPU use  delay p50     p99 (× N=1)   max ms  RSS MB  per meter over N=1";

function row(f: Figures, base: Figures): string {
  const perMeter = f.meters === 1 ? "" : `${fixed((f.rssMb - base.rssMb) / (f.meters - 1), 3, 8)} MB`;
  const cpuUse = (100 * f.cpuMs) / WINDOW_MS;
  const p50 = f.delaysMs.length === 0 ? Number.NaN : median([...f.delaysMs]);
  return (
    `  ${String(f.meters).padStart(6)}  ${fixed(f.firstPublishMs / 1000, 1, 18)} s ${fixed(f.caughtUpMs / 1000, 1, 8)} s ${String(f.sent).padStart(5)} ${String(f.published).padStart(10)} ${String(f.sent - f.published).padStart(5)} ${String(f.offline).padStart(8)}` +
    `  ${fixed(cpuPerPush(f), 3, 11)} (${fixed(cpuPerPush(f) / cpuPerPush(base), 2, 5)}×)` +
    `  ${fixed(cpuUse, 1, 5)} %  ${fixed(p50, 2, 9)}  ${fixed(p99(f), 2, 8)} (${fixed(p99(f) / p99(base), 1, 4)}×)` +
    `  ${fixed(f.delaysMs.at(-1) ?? Number.NaN, 2, 7)}  ${fixed(f.rssMb, 1, 6)}  ${perMeter}`
  );
}

/** PASS/FAIL for the largest N; a count that could not be measured fails every target. */
function targets(count: number, top: Figures | undefined, all: readonly Figures[]): void {
  const rssLimit = TARGET_RSS_BASE_MB + TARGET_RSS_PER_METER_MB * count;
  const cpu = top ? cpuPerPush(top) : Number.NaN;
  const delay = top ? p99(top) : Number.NaN;
  const rss = top?.rssMb ?? Number.NaN;
  const lost = all.filter((f) => f.published < f.sent).map((f) => f.meters);
  console.log(`  targets at ${count} meters:`);
  console.log(
    `    CPU per push ${cpu.toFixed(3)} ms ≤ ${TARGET_CPU_MS} ms: ${verdict(cpu <= TARGET_CPU_MS)}`,
  );
  console.log(
    `    p99 frame to publish ${delay.toFixed(2)} ms ≤ ${TARGET_P99_MS} ms: ${verdict(delay <= TARGET_P99_MS)}`,
  );
  console.log(
    `    RSS ${rss.toFixed(1)} MB ≤ ${TARGET_RSS_BASE_MB} MB + ${TARGET_RSS_PER_METER_MB} MB × ${count} = ${rssLimit} MB: ${verdict(rss <= rssLimit)}`,
  );
  const allMeasured = all.length === COUNTS.length;
  const flapping = all.filter((f) => f.offline > 0).map((f) => f.meters);
  console.log(
    `    no push lost at any N: ${verdict(allMeasured && lost.length === 0)}${lost.length === 0 ? "" : ` (lost at N = ${lost.join(", ")})`}`,
  );
  console.log(
    `    no meter marked offline in a window at any N: ${verdict(allMeasured && flapping.length === 0)}${flapping.length === 0 ? "" : ` (offline at N = ${flapping.join(", ")})`}`,
  );
}

export async function benchScale(): Promise<void> {
  const binary = mosquittoBinary();
  if (!binary) {
    console.log("scale: skipped, Mosquitto is not installed (scripts/install-test-deps.sh)");
    return;
  }
  console.log(
    `scale: N Swiss virtual meters in one separate process (TCP on loopback, a push every ${PUSH_MS / 1000} s each, phases spread), one \`e450 run\` (node ${NODE_FLAGS.join(" ")}, a meters: list, publish_interval 1, analytics on by default) publishing to Mosquitto;`,
  );
  console.log(
    `  per N: ${WARM_UP_MS / 1000} s warm-up once caught up, then a ${WINDOW_MS / 1000} s window; delay matched on ${BASE_TOPIC}/meter/<serial>/${CLOCK_ENTITY} (new every push) by serial + meter time; baseline N = 1`,
  );
  console.log(HEADER);
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-scale-"));
  const figures: Figures[] = [];
  try {
    for (const count of COUNTS) {
      // A broker per N: nothing one run left retained in it weighs on the next.
      const broker = await BenchMosquitto.start(binary, mkdtempSync(join(folder, "broker-")));
      try {
        const measured = await measure(count, broker.url, folder);
        figures.push(measured);
        console.log(row(measured, figures[0]!));
      } catch (error) {
        console.log(`  ${String(count).padStart(6)}  not measured: ${(error as Error).message}`);
      } finally {
        await broker.stop();
      }
    }
    const largest = Math.max(...COUNTS);
    targets(
      largest,
      figures.find((f) => f.meters === largest),
      figures,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
