/**
 * The InfluxDB forwarder with real parts, case by case: `e450 run` (the built CLI) reading the virtual
 * E450 (`e450 simulate`) through a counting bridge, against a real InfluxDB 1.6 — a wrong password, a
 * field type conflict, a missing database — and against the v2 write API stand-in (no InfluxDB 2 can
 * be installed here); then the plugin in process on a real bus, for what only the bus shows (the
 * forwarder's status) and for its clock. Every case has its own server, simulator and folder, so they
 * run side by side. Needs `npm run build` first (npm test does it).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import type { ForwarderStatus } from "../../../src/model/forwarder-status.js";
import { influxFromOptions } from "../../../src/config/influx-options.js";
import { exact } from "../../../src/model/exact-number.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { InfluxPlugin } from "../../../src/sinks/influx/influx-plugin.js";
import { InfluxV2StandIn } from "../../helpers/influx-v2-standin.js";
import { Influxd } from "../../helpers/influxd.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { recordingLogger } from "../../helpers/recording-logger.js";
import { HttpTap } from "./forwarding-http-tap.js";
import { energyPoints, lineTimeMs, readQueue } from "./forwarding-influx.js";
import {
  type CliProcess,
  METER,
  METER_START,
  MeterBridge,
  type Push,
  Processes,
  printed,
  publishedCount,
  waitFor,
} from "./forwarding-meter.js";

const PUSHES_PER_SECOND = 5;
/** Long enough for the forwarder's backoff after a few failures, and a slow machine. */
const ARRIVAL_MS = 90_000;
const CASE_TIMEOUT_MS = 300_000;

const processes = new Processes();
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  await processes.endAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function folder(name: string): string {
  const created = mkdtempSync(join(tmpdir(), `e450-influx-${name}-`));
  cleanups.push(() => rmSync(created, { recursive: true, force: true }));
  return created;
}

async function influxd(auth = false): Promise<Influxd> {
  const server = await Influxd.start({ auth });
  cleanups.push(() => server.close());
  return server;
}

/** The virtual meter behind a counting bridge. */
async function meter(): Promise<MeterBridge> {
  const simulator = await processes.simulator(PUSHES_PER_SECOND);
  const bridge = await MeterBridge.start(simulator.port);
  cleanups.push(() => bridge.close());
  return bridge;
}

/** Ends the bridge's current session and waits until e450 has published its last push. */
async function lastPushes(bridge: MeterBridge, run: CliProcess): Promise<Push[]> {
  bridge.cut();
  const pushes = await bridge.pushes(bridge.sessions.length - 1);
  await waitFor(() => printed(run, pushes.at(-1)!), 30_000, "e450 to publish the last push");
  return pushes;
}

/** After a restart: wait until the new process has published some pushes. */
async function someOf(run: CliProcess): Promise<void> {
  await waitFor(() => publishedCount(run) >= 10, 30_000, "pushes published");
}

const times = (pushes: readonly { timeMs: number }[]) => pushes.map((push) => push.timeMs);
const queueFileIn = (dir: string) => join(dir, "data", "influxdb-queue.sqlite");

async function writeV1(server: Influxd, line: string): Promise<void> {
  const response = await fetch(`${server.url}/write?db=e450&precision=ns`, { method: "POST", body: line });
  if (response.status !== 204)
    throw new Error(`pre-write answered ${response.status}: ${await response.text()}`);
}

describe.concurrent("e450 run against a real InfluxDB 1.6", () => {
  it(
    "a wrong password: the log names influxdb.password, the queue keeps filling, and once the user exists everything arrives",
    async ({ expect }) => {
      const server = await influxd(true);
      await server.createDatabase("e450");
      const bridge = await meter();
      const dir = folder("password");
      const password = randomBytes(12).toString("hex");
      const run = processes.run(dir, "password", bridge.port, [
        `url: ${server.url}`,
        "database: e450",
        "username: e450",
        `password: ${password}`,
      ]);
      const refused =
        /ERROR +InfluxDB 1 at http:\/\/127\.0\.0\.1:\d+ \(database e450\) answered 401: authorization failed\. Check influxdb\.username and influxdb\.password; \d+ lines stay queued and are sent once it works/;
      await waitFor(
        () => refused.test(run.log),
        30_000,
        "the 401 in e450's log",
        () => run.log,
      );
      const early = readQueue(queueFileIn(dir)).lines.length;
      expect(early).toBeGreaterThan(0);
      await waitFor(
        () => readQueue(queueFileIn(dir)).lines.length >= early + 100,
        30_000,
        "the queue to keep filling",
      );
      expect(await energyPoints(server)).toEqual([]);
      // The same refusal is said once, not at every retry (several have passed by now).
      expect(run.log.match(new RegExp(refused.source, "g"))).toHaveLength(1);
      expect(run.output).not.toContain(password);

      // The fix: the user exists with that password now.
      await server.createUser("e450", password, { database: "e450", privilege: "WRITE" });
      await waitFor(async () => (await energyPoints(server)).length > 0, ARRIVAL_MS, "the first write");
      const pushes = await lastPushes(bridge, run);
      const expected = pushes.slice(1); // a new meter is published from its second push
      await waitFor(
        async () => (await energyPoints(server)).length >= expected.length,
        ARRIVAL_MS,
        `${expected.length} energy points`,
      );
      const points = await energyPoints(server);
      expect(times(points)).toEqual(times(expected));
      expect(points.map((point) => point.importKwh)).toEqual(expected.map((push) => push.importWh / 1000));
      expect(readQueue(queueFileIn(dir)).deadLetters).toEqual([]);
      expect(run.log).toMatch(/INFO +InfluxDB writes work again/);
      expect(run.output).not.toContain(password);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "a field type conflict: the conflicting lines are parked as dead letters with the server's message, the other points arrive",
    async ({ expect }) => {
      const server = await influxd();
      await server.createDatabase("e450");
      // import_kwh as an integer, in the shard the meter's pushes will go to (InfluxDB 1.x keeps
      // field types per shard; the meter starts at METER_START and runs minutes of meter time).
      const startNs = `${Date.parse(METER_START)}000000`;
      await writeV1(server, `energy,meter=${METER},tariff=total import_kwh=1i ${startNs}`);
      const bridge = await meter();
      const dir = folder("conflict");
      const run = processes.run(dir, "conflict", bridge.port, [`url: ${server.url}`, "database: e450"]);
      await waitFor(
        () => readQueue(queueFileIn(dir)).deadLetters.length >= 10,
        60_000,
        "dead letters",
        () => run.log,
      );
      const pushes = await lastPushes(bridge, run);
      const expected = pushes.slice(1);
      await waitFor(
        () => readQueue(queueFileIn(dir)).deadLetters.length >= expected.length,
        ARRIVAL_MS,
        `${expected.length} dead letters`,
      );
      const { deadLetters } = readQueue(queueFileIn(dir));
      // Every energy line, and nothing else, with the server's status and reason (parked in the order
      // they were sent: after a backlog, the oldest and the newest in turn).
      expect(deadLetters.map((letter) => lineTimeMs(letter.line)).sort((a, b) => a - b)).toEqual(
        times(expected),
      );
      for (const letter of deadLetters) {
        expect(letter.line).toMatch(new RegExp(`^energy,meter=${METER},tariff=total import_kwh=[0-9.]+,`));
        expect(letter.status).toBe(400);
        expect(letter.message).toBe(
          'partial write: field type conflict: input field "import_kwh" on measurement "energy" is type float, already exists as type integer dropped=1',
        );
      }
      expect(run.log).toMatch(
        /WARNING +InfluxDB refused a point \(HTTP 400: partial write: field type conflict: .*\); parked it as a dead letter/,
      );
      // InfluxDB has only the point written before; the other points of every push arrived.
      expect(await energyPoints(server)).toEqual([{ timeMs: Date.parse(METER_START), importKwh: 1 }]);
      await waitFor(
        async () => (await importRegister(server)).length >= expected.length,
        ARRIVAL_MS,
        "the import register of every push",
      );
      expect(await importRegister(server)).toEqual(expected.map((push) => [push.timeMs, push.importWh]));
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "create_database: false and no database: the log names influxdb.create_database; with true e450 creates it and sends the queue",
    async ({ expect }) => {
      const server = await influxd();
      const bridge = await meter();
      const dir = folder("create");
      const options = (create: boolean) => [
        `url: ${server.url}`,
        "database: e450",
        `create_database: ${create}`,
      ];
      const first = processes.run(dir, "first", bridge.port, options(false));
      await waitFor(
        () =>
          /ERROR +InfluxDB 1 at .* answered 404: database not found: "e450"\. Create the database \(CREATE DATABASE "e450"\) or set influxdb\.create_database: true; \d+ lines stay queued/.test(
            first.log,
          ),
        30_000,
        "the 404 in e450's log",
        () => first.log,
      );
      expect(await databases(server)).not.toContain("e450");
      const firstPushes = await lastPushes(bridge, first);
      await first.end("SIGTERM");
      bridge.reopen();
      expect(readQueue(queueFileIn(dir)).lines.length).toBeGreaterThan(0);

      const second = processes.run(dir, "second", bridge.port, options(true));
      await waitFor(async () => (await databases(server)).includes("e450"), 30_000, "the database");
      await someOf(second);
      const secondPushes = await lastPushes(bridge, second);
      // The second run knows the meter (the guard's saved totals): it publishes every push.
      const expected = [...firstPushes.slice(1), ...secondPushes];
      await waitFor(
        async () => (await energyPoints(server)).length >= expected.length,
        ARRIVAL_MS,
        `${expected.length} energy points`,
      );
      expect(times(await energyPoints(server))).toEqual(times(expected));
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "create_database: true with a user who may write to the existing database but is no admin: the points arrive",
    async ({ expect }) => {
      const server = await influxd(true);
      await server.createDatabase("e450");
      const password = randomBytes(12).toString("hex");
      await server.createUser("writer", password, { database: "e450", privilege: "WRITE" });
      const bridge = await meter();
      const dir = folder("create-user");
      const run = processes.run(dir, "writer", bridge.port, [
        `url: ${server.url}`,
        "database: e450",
        "username: writer",
        `password: ${password}`,
        "create_database: true",
      ]);
      await waitFor(
        async () => (await energyPoints(server)).length >= 10,
        30_000,
        "points from a user who may write",
        () => run.log,
      );
      const pushes = await lastPushes(bridge, run);
      await waitFor(
        async () => (await energyPoints(server)).length >= pushes.length - 1,
        ARRIVAL_MS,
        "every push",
      );
      expect(times(await energyPoints(server))).toEqual(times(pushes.slice(1)));
    },
    CASE_TIMEOUT_MS,
  );
});

async function databases(server: Influxd): Promise<string[]> {
  const series = await server.query("SHOW DATABASES");
  // InfluxDB leaves `values` out when there is no database (InfluxSeries types it as always there).
  return series.flatMap((one) => (one.values ?? []).map((row) => String(row[0])));
}

/** The import total as the `registers` measurement keeps it: [time ms, value in Wh]. */
async function importRegister(server: Influxd): Promise<[number, number][]> {
  const series = await server.query(
    `SELECT value FROM registers WHERE meter = '${METER}' AND obis = '1-1:1.8.0.255'`,
    "e450",
  );
  return series.flatMap((one) =>
    one.values.map(([time, value]): [number, number] => [Date.parse(String(time)), Number(value)]),
  );
}

describe.concurrent("e450 run against the InfluxDB v2 write API stand-in", () => {
  it(
    "(stand-in) token, org and bucket, gzip; a wrong token is a 401 naming influxdb.token and keeps the queue; a 422 type conflict parks the line",
    async ({ expect }) => {
      const token = randomBytes(16).toString("hex");
      const wrongToken = randomBytes(16).toString("hex");
      const standIn = await InfluxV2StandIn.start({ org: "home", bucket: "e450", token });
      cleanups.push(() => standIn.close());
      const tap = await HttpTap.start(standIn.url);
      cleanups.push(() => tap.close());
      // power's import_w as an integer before e450 writes it as a float.
      const preWrite = await fetch(`${standIn.url}/api/v2/write?org=home&bucket=e450&precision=ns`, {
        method: "POST",
        headers: { authorization: `Token ${token}` },
        body: `power,meter=${METER},phase=total import_w=1i ${Date.parse(METER_START)}000000`,
      });
      expect(preWrite.status).toBe(204);
      const bridge = await meter();
      const dir = folder("v2");
      const options = (secret: string) => [
        `url: ${tap.url}`,
        "version: 2",
        "org: home",
        "bucket: e450",
        `token: ${secret}`,
      ];
      const first = processes.run(dir, "wrong-token", bridge.port, options(wrongToken));
      await waitFor(
        () =>
          /ERROR +InfluxDB 2 at http:\/\/127\.0\.0\.1:\d+ \(bucket e450\) answered 401: unauthorized access\. Check influxdb\.token: it must be allowed to write to the bucket; \d+ lines stay queued/.test(
            first.log,
          ),
        30_000,
        "the 401 in e450's log",
        () => first.log,
      );
      const early = readQueue(queueFileIn(dir)).lines.length;
      await waitFor(
        () => readQueue(queueFileIn(dir)).lines.length >= early + 100,
        30_000,
        "the queue to keep filling",
      );
      expect(standIn.points("energy")).toEqual([]);
      const firstPushes = await lastPushes(bridge, first);
      await first.end("SIGTERM");
      bridge.reopen();
      expect(first.output).not.toContain(wrongToken);

      const second = processes.run(dir, "token", bridge.port, options(token));
      await someOf(second);
      const secondPushes = await lastPushes(bridge, second);
      const expected = [...firstPushes.slice(1), ...secondPushes];
      const energy = () =>
        standIn
          .points("energy")
          .filter((point) => point.tags["meter"] === METER && point.tags["tariff"] === "total");
      await waitFor(() => energy().length >= expected.length, ARRIVAL_MS, `${expected.length} energy points`);
      const points = energy().sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
      expect(points.map((point) => Number(point.timestamp / 1_000_000n))).toEqual(times(expected));
      expect(points.map((point) => point.fields["import_kwh"])).toEqual(
        expected.map((push) => push.importWh / 1000),
      );
      expect(points.every((point) => point.types["import_kwh"] === "float")).toBe(true);
      expect(second.output).not.toContain(token);

      // The power lines met the integer field: parked with the stand-in's 422 message, one by one;
      // they were written at the pushes the phase values were (the same cadence).
      const phaseTimes = standIn
        .points("phase")
        .filter((point) => point.tags["phase"] === "l1")
        .map((point) => Number(point.timestamp / 1_000_000n))
        .sort((a, b) => a - b);
      expect(phaseTimes.length).toBeGreaterThan(0);
      await waitFor(
        () => readQueue(queueFileIn(dir)).deadLetters.length >= phaseTimes.length,
        ARRIVAL_MS,
        "the power lines parked",
      );
      const { deadLetters } = readQueue(queueFileIn(dir));
      expect(deadLetters.map((letter) => lineTimeMs(letter.line)).sort((a, b) => a - b)).toEqual(phaseTimes);
      for (const letter of deadLetters) {
        expect(letter.line).toMatch(new RegExp(`^power,meter=${METER},phase=total import_w=`));
        expect(letter.status).toBe(422);
        expect(letter.message).toBe(
          'failure writing points to database: partial write: field type conflict: input field "import_w" on measurement "power" is type float, already exists as type integer dropped=1',
        );
      }
      expect(standIn.points("power")).toHaveLength(1);

      // On the wire: every write to the v2 endpoint with org, bucket, ns precision, a token and gzip.
      const writes = tap.requests;
      expect(writes.length).toBeGreaterThan(0);
      for (const request of writes) {
        expect(request).toMatchObject({
          method: "POST",
          path: "/api/v2/write",
          query: { org: "home", bucket: "e450", precision: "ns" },
          contentEncoding: "gzip",
          gzipBody: true,
        });
        expect([`Token ${token}`, `Token ${wrongToken}`]).toContain(request.authorization);
      }
    },
    CASE_TIMEOUT_MS,
  );
});

/** A push of a hand-made meter, `index` seconds into February 2025 (UTC: the plugin reads it so). */
function snapshot(index: number): Snapshot {
  return {
    source: "dlms-push",
    meterId: METER,
    meterTime: new Date(Date.UTC(2025, 1, 1) + index * 1000).toISOString().slice(0, 19),
    readings: [
      { obis: "0-0:96.1.1.255", value: { kind: "text", text: METER } },
      { obis: "1-1:1.8.0.255", value: { kind: "number", exact: exact(1_000_000 + index), unit: "Wh" } },
    ],
  };
}

/** The plugin on a real bus with a recording logger; only the energy measurement, every push. */
function plugin(
  url: string,
  setup: { options?: Record<string, number>; now?: () => number; queueFile?: string } = {},
) {
  const queueFile = setup.queueFile ?? join(folder("plugin"), "influxdb-queue.sqlite");
  const options = influxFromOptions({ url, database: "e450", measurements: ["energy"], ...setup.options })!;
  const logger = recordingLogger();
  const source = new MeterEventSource();
  const statuses: ForwarderStatus[] = [];
  source.bus.on("forwarder", (event) => statuses.push(event.status));
  const instance = new InfluxPlugin(options, queueFile, logger, {
    meterTimeZone: "UTC",
    ...(setup.now ? { now: setup.now } : {}),
  });
  instance.start(source.bus);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= instance.stop().then(() => source.stop());
    return stopped;
  };
  cleanups.push(stop);
  return { source, logger, statuses, queueFile, stop };
}

const pushTimes = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => Date.UTC(2025, 1, 1) + (from + i) * 1000);
const HOUR_MS = 3_600_000;

describe.concurrent("InfluxPlugin in process, on a real bus, with a real InfluxDB 1.6", () => {
  it(
    "the forwarder's status on the bus through a crash of the server, and the failure logged once while it lasts",
    async ({ expect }) => {
      const server = await influxd();
      await server.createDatabase("e450");
      const { source, logger, statuses } = plugin(server.url);
      for (let i = 0; i < 3; i++) source.push(snapshot(i));
      await waitFor(async () => (await energyPoints(server)).length === 3, 30_000, "three points");

      await server.kill();
      for (let i = 3; i < 7; i++) source.push(snapshot(i));
      await waitFor(
        () => statuses.some((status) => status.queuedLines === 4),
        30_000,
        "a status with the four queued lines",
      );
      const during = statuses.find((status) => status.queuedLines === 4)!;
      expect(during).toMatchObject({ writtenLines: 3, deadLetters: 0, droppedLines: 0 });
      expect(during.lastError).toMatch(
        /^cannot reach InfluxDB 1 at http:\/\/127\.0\.0\.1:\d+ \(database e450\): ECONNREFUSED$/,
      );
      // Retried with backoff for over ten seconds by now, and said once.
      expect(logger.lines.filter((line) => line.includes("cannot reach"))).toEqual([
        expect.stringMatching(
          /^warn cannot reach .*: ECONNREFUSED; 4 lines stay queued and are sent once it works$/,
        ),
      ]);

      await server.resume();
      await waitFor(async () => (await energyPoints(server)).length === 7, 90_000, "the queued points");
      expect(times(await energyPoints(server))).toEqual(pushTimes(0, 7));
      const count = statuses.length;
      await waitFor(() => statuses.length > count, 30_000, "the next status");
      expect(statuses.at(-1)).toMatchObject({
        queuedLines: 0,
        queuedBytes: 0,
        oldestQueuedMs: null,
        writtenLines: 7,
        deadLetters: 0,
        droppedLines: 0,
        lastError: null,
      });
      expect(logger.lines).toContainEqual(expect.stringMatching(/^info InfluxDB writes work again/));
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "backoff while the server is away: attempts 0.5–1, 1–2, 2–4, 4–8 s apart, not cut short by new lines; then everything arrives",
    async ({ expect }) => {
      const server = await influxd();
      await server.createDatabase("e450");
      const tap = await HttpTap.start(server.url);
      cleanups.push(() => tap.close());
      await server.stop();
      const { source } = plugin(tap.url);
      source.push(snapshot(0));
      // Pushes keep coming during the backoff (every 300 ms): each wakes the forwarder, none may
      // bring an attempt forward.
      let next = 1;
      const pushing = setInterval(() => source.push(snapshot(next++)), 300);
      try {
        await waitFor(() => tap.requests.length >= 5, 30_000, "five attempts");
      } finally {
        clearInterval(pushing);
      }
      const at = tap.requests.map((request) => request.atMs);
      const gaps = at.slice(1, 5).map((time, i) => time - at[i]!);
      gaps.forEach((gap, i) => {
        const step = 1000 * 2 ** i;
        expect(gap, `gap ${i + 1} of ${gaps.join(", ")} ms`).toBeGreaterThanOrEqual(step / 2 - 5);
        // Timers never fire early; late by up to half a second on a busy machine.
        expect(gap, `gap ${i + 1} of ${gaps.join(", ")} ms`).toBeLessThanOrEqual(step + 500);
      });

      await server.resume();
      await waitFor(async () => (await energyPoints(server)).length === next, 30_000, `the ${next} points`);
      expect(times(await energyPoints(server))).toEqual(pushTimes(0, next));
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "a stop while the server is away keeps the lines; the next plugin on the same file sends them first, once",
    async ({ expect }) => {
      const server = await influxd();
      await server.createDatabase("e450");
      await server.stop();
      const first = plugin(server.url);
      for (let i = 0; i < 5; i++) first.source.push(snapshot(i));
      await waitFor(() => readQueue(first.queueFile).lines.length === 5, 10_000, "five queued lines");
      await first.stop();
      expect(readQueue(first.queueFile).lines.map(lineTimeMs)).toEqual(pushTimes(0, 5));

      await server.resume();
      const second = plugin(server.url, { queueFile: first.queueFile });
      expect(second.logger.lines).toContainEqual(
        expect.stringMatching(/^info forwarding to InfluxDB 1 at .*; 5 lines queued before are sent first$/),
      );
      for (let i = 5; i < 8; i++) second.source.push(snapshot(i));
      await waitFor(async () => (await energyPoints(server)).length === 8, 30_000, "eight points");
      expect(times(await energyPoints(server))).toEqual(pushTimes(0, 8));
      await waitFor(() => readQueue(first.queueFile).lines.length === 0, 10_000, "an empty queue");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "its clock (deps.now): the queue's age cap warns, then drops the oldest lines, and the rest is sent within flush_interval",
    async ({ expect }) => {
      const server = await influxd();
      await server.createDatabase("e450");
      await server.stop();
      // The plugin's clock runs two days ahead of the host's; the caps and the batching go by it.
      let ahead = 48 * HOUR_MS;
      const { source, logger, queueFile } = plugin(server.url, {
        options: { max_queue_days: 1 },
        now: () => Date.now() + ahead,
      });
      for (let i = 0; i < 3; i++) source.push(snapshot(i));
      await waitFor(() => readQueue(queueFile).lines.length === 3, 10_000, "three queued lines");
      ahead += 20 * HOUR_MS;
      source.push(snapshot(3));
      await waitFor(
        () => logger.lines.some((line) => line.includes("InfluxDB queue is at 83 % of its cap")),
        10_000,
        "the warning at 80 % of the age cap",
        () => logger.lines.join("\n"),
      );
      expect(logger.lines).toContainEqual(
        expect.stringMatching(/raise influxdb\.max_queue_mb \/ max_queue_days or fix the connection$/),
      );
      ahead += 5 * HOUR_MS;
      source.push(snapshot(4));
      await waitFor(
        () => logger.lines.some((line) => line.includes("dropped the 3 oldest lines (3 since start)")),
        10_000,
        "the three oldest lines dropped",
        () => logger.lines.join("\n"),
      );
      expect(readQueue(queueFile).lines.map(lineTimeMs)).toEqual(pushTimes(3, 5));

      await server.resume();
      // The forwarder retries within its backoff (a few seconds); a partial batch waits flush_interval (1 s).
      await waitFor(
        async () => (await energyPoints(server)).length === 2,
        30_000,
        "the two kept points",
        () => logger.lines.join("\n"),
      );
      expect(times(await energyPoints(server))).toEqual(pushTimes(3, 5));
    },
    CASE_TIMEOUT_MS,
  );
});
