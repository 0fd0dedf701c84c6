/**
 * The Grafana dashboard (grafana/e450-influxdb1.json) against what e450 really writes: a real
 * InfluxDB 1.6 filled by the real forwarder plugin from real events (snapshots decoded from a real
 * Swiss E450 push, and eight days of intervals, costs, forecasts, anomalies and link counters), then
 * every query of the dashboard — panel targets, the annotation and the template variable — run the
 * way Grafana's InfluxDB data source runs a raw InfluxQL query. Every query must return rows, and
 * every column it selects must hold a value somewhere: a field or measurement renamed on either side
 * leaves a column empty or the result without rows, and fails here.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeterDiagnostics } from "../../../src/bus/events.js";
import { influxFromOptions } from "../../../src/config/influx-options.js";
import type { ForwarderStatus } from "../../../src/model/forwarder-status.js";
import type {
  AnomalyIncident,
  CostState,
  ForecastState,
  PeriodCost,
  RecordedInterval,
} from "../../../src/model/insights.js";
import type { MeterIdentity } from "../../../src/model/meter-identity.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { InfluxPlugin } from "../../../src/sinks/influx/influx-plugin.js";
import { Influxd, type InfluxSeries } from "../../helpers/influxd.js";
import { MeterEventSource } from "../../helpers/meter-events.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const DASHBOARD_FILE = fileURLToPath(new URL("../../../grafana/e450-influxdb1.json", import.meta.url));
/** The one datasource reference every panel, target, annotation and variable must use. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template.
const DATASOURCE = { type: "influxdb", uid: "${datasource}" };
/** What Grafana's import dialog replaces with the data source the user picks (the __inputs entry). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, not a JavaScript template.
const IMPORT_INPUT = "${DS_INFLUXDB}";
/** The Swiss E450 (EKZ) push: energy, power and per-phase voltage and current, serial 1909113. */
const FRAME = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;
const SERIAL = "1909113";
const DAYS = 8;
const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The zone the test gives the $tz variable: a real one, so tz() has to find it in the server's tz database. */
const TZ = "Europe/Zurich";
/**
 * $__interval for the test's 10-day range: Grafana divides the range by the panel's data points (about
 * its width in pixels, ~1000) and rounds 14.4 min to 15m (rangeutil roundInterval).
 */
const INTERVAL = { text: "15m", ms: QUARTER_MS };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

interface Target {
  readonly refId: string;
  readonly query: string;
  readonly rawQuery?: boolean;
  readonly datasource?: unknown;
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: unknown;
  readonly gridPos: { x: number; y: number; w: number; h: number };
  readonly targets?: Target[];
  readonly timeFrom?: string;
  readonly timeShift?: string;
  readonly repeat?: string;
  readonly fieldConfig?: { overrides?: { matcher: { id: string; options: string } }[] };
}

interface Variable {
  readonly type: string;
  readonly name: string;
  readonly query: string;
  readonly datasource?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
  readonly current?: { value?: unknown };
}

interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly __inputs: { name: string; type: string; pluginId: string }[];
  readonly panels: Panel[];
  readonly annotations: { list: { name: string; datasource: unknown; target?: Target; builtIn?: number }[] };
  readonly templating: { list: Variable[] };
}

interface DashboardQuery {
  /** Where the query sits, for the failure message. */
  readonly where: string;
  readonly query: string;
}

const dashboardText = readFileSync(DASHBOARD_FILE, "utf8");
const dashboard = JSON.parse(dashboardText) as Dashboard;

/** Every InfluxQL statement in the dashboard: panel targets, annotation queries, variable queries. */
function dashboardQueries(board: Dashboard): DashboardQuery[] {
  return [
    ...board.panels.flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}" ${t.refId}`, query: t.query })),
    ),
    ...board.annotations.list
      .filter((annotation) => annotation.target !== undefined)
      .map((annotation) => ({ where: `annotation "${annotation.name}"`, query: annotation.target!.query })),
    ...board.templating.list
      .filter((variable) => variable.type === "query")
      .map((variable) => ({ where: `variable $${variable.name}`, query: variable.query })),
  ];
}

/** @grafana/data's escapeRegex (packages/grafana-data/src/text/string.ts). */
const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}/]/g, "\\$&");

/**
 * Grafana's "regex" variable format, the one the InfluxDB data source applies to a raw query
 * (datasource.ts applyVariables: templateSrv.replace(query, …, 'regex')): each value regex-escaped,
 * several values as (a|b).
 */
function regexFormat(value: string | readonly string[]): string {
  if (typeof value === "string") return escapeRegex(value);
  const escaped = value.map(escapeRegex);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join("|")})`;
}

/** Grafana's variable syntaxes: $name, [[name:format]], ${name.path:format} (template_srv's regex). */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;

/**
 * A raw InfluxQL query as Grafana (10/11, backend mode) sends it: first the frontend replaces the
 * dashboard variables in the regex format (`:raw` keeps a value as is) and leaves $timeFilter and
 * $__interval alone; then the backend (pkg/tsdb/influxdb, Query.Build) replaces
 * $timeFilter with `time >= <from>ms and time <= <to>ms`, $interval and $__interval with the interval
 * text and $__interval_ms with its milliseconds.
 */
function interpolate(
  query: string,
  variables: Readonly<Record<string, string | readonly string[]>>,
  range: { fromMs: number; toMs: number },
): string {
  const frontend = query.replace(VARIABLE, (match, plain, bracket, bracketFormat, braced, _path, format) => {
    const name = (plain ?? bracket ?? braced) as string;
    const value = variables[name];
    if (value === undefined) return match;
    return (bracketFormat ?? format) === "raw" ? String(value) : regexFormat(value);
  });
  return frontend
    .replaceAll("$timeFilter", `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`)
    .replaceAll("$interval", INTERVAL.text)
    .replaceAll("$__interval_ms", String(INTERVAL.ms))
    .replaceAll("$__interval", INTERVAL.text);
}

/**
 * Why a result would leave its panel empty: no series, no rows, or a selected column (every column but
 * time) without a single value. Empty means nothing to draw, whatever the cause.
 */
function problemsOf(series: readonly InfluxSeries[]): string[] {
  const rows = series.reduce((count, s) => count + s.values.length, 0);
  if (rows === 0) return ["no rows"];
  const columns = new Set(series.flatMap((s) => s.columns.filter((column) => column !== "time")));
  return [...columns]
    .filter(
      (column) =>
        !series.some((s) => {
          const index = s.columns.indexOf(column);
          return index >= 0 && s.values.some((row) => row[index] !== null);
        }),
    )
    .map((column) => `column "${column}" has no value`);
}

/** The columns a query names: `AS "name"` in its SELECT and the tags of its GROUP BY. */
function namedColumns(query: string): string[] {
  const aliases = [...query.matchAll(/ AS "([^"]+)"/g)].map((m) => m[1]!);
  const groupBy = / GROUP BY (.*?)(?: fill\(| tz\(|$)/.exec(query)?.[1] ?? "";
  return [...aliases, ...[...groupBy.matchAll(/"([^"]+)"/g)].map((m) => m[1]!)];
}

/** Every `datasource` value anywhere in the JSON, with its path. */
function datasourceRefs(node: unknown, path = "$"): { path: string; ref: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => datasourceRefs(item, `${path}[${i}]`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === "datasource" ? [{ path: `${path}.${key}`, ref: value }] : []),
    ...datasourceRefs(value, `${path}.${key}`),
  ]);
}

/** The meter's clock as the E450 states it: local wall time without offset (the plugin reads it as UTC here). */
const wallTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);

function period(startMs: number, hours: number, pricePerKwh: number): PeriodCost {
  const importKwh = hours * 0.4;
  return {
    startMs,
    cost: Math.round((0.8 + importKwh * pricePerKwh) * 100) / 100,
    exportCredit: Math.round(hours * 0.05 * 100) / 100,
    importKwh,
    exportKwh: hours * 0.3,
    unpricedIntervals: 0,
  };
}

function incident(kind: string, startMs: number, message: string): AnomalyIncident {
  return {
    id: `${kind}@${new Date(startMs).toISOString()}`,
    kind,
    startMs,
    endMs: startMs + HOUR_MS,
    expected: 0.4,
    observed: 2.1,
    unit: "kWh",
    score: 4.2,
    message,
  };
}

function diagnostics(hour: number, atMs: number): MeterDiagnostics {
  return {
    bytesReceived: hour * 120_000,
    framesReceived: hour * 720,
    framesRejected: { checksum: Math.floor(hour / 5), "auth-failed": Math.floor(hour / 11) },
    lostFrames: Math.floor(hour / 7),
    decryptionFailures: 0,
    lastFrameAt: atMs - 4_000,
    totalsHeldBack: 0,
    readingsRejected: {},
    stateWriteFailures: 0,
    lastStateError: null,
    line: null,
    clockOffsetSeconds: 0.8,
  };
}

/**
 * Eight days of a meter's life on the bus, hour by hour on a simulated clock (`clock.ms`, what the plugin
 * stamps costs and forecasts with): the real push with the meter's clock set to that hour, the link
 * counters, the hour's four closed intervals, the cost and the forecast; three anomaly incidents.
 */
function feed(
  meters: MeterEventSource,
  snapshot: Snapshot,
  identity: () => MeterIdentity,
  clock: { ms: number | null },
  span: { startMs: number; endMs: number },
): void {
  // Each is reported an hour after it began; the last one is still open at the end.
  const incidents = [
    incident("spike", span.startMs + DAY_MS + 2 * HOUR_MS, "2.1 kWh in one hour, 5× the usual"),
    incident("base-load-shift", span.startMs + 4 * DAY_MS, "The base load rose from 120 W to 310 W"),
    incident("unusual-consumption", span.endMs - 6 * HOUR_MS, "Today's use is 40 % above a usual Wednesday"),
  ];
  const price = 0.2875;
  for (let hour = 0, atMs = span.startMs; atMs < span.endMs; hour++, atMs += HOUR_MS) {
    clock.ms = atMs;
    meters.push({ ...snapshot, meterTime: wallTime(atMs) });
    meters.bus.emit("diagnostics", { meter: "meter", diagnostics: diagnostics(hour, atMs), at: atMs });
    const hourOfDay = new Date(atMs - HOUR_MS).getUTCHours();
    for (let quarter = atMs - HOUR_MS; quarter < atMs; quarter += QUARTER_MS) {
      const interval: RecordedInterval = {
        startMs: quarter,
        endMs: quarter + QUARTER_MS,
        importKwh: 0.1 + (hourOfDay % 6) * 0.02,
        // Solar around noon.
        exportKwh: hourOfDay >= 10 && hourOfDay < 15 ? 0.3 : 0,
        estimated: false,
      };
      meters.bus.emit("interval", { meter: "meter", identity: identity(), interval });
    }
    const dayStart = atMs - (atMs % DAY_MS);
    const monthStart = Date.UTC(new Date(atMs).getUTCFullYear(), new Date(atMs).getUTCMonth(), 1);
    const cost: CostState = {
      currency: "CHF",
      pricePerKwh: price,
      today: period(dayStart, (atMs - dayStart) / HOUR_MS, price),
      month: period(monthStart, (atMs - monthStart) / HOUR_MS, price),
      totalCost: 1000 + hour * 0.12,
      totalExportCredit: 80 + hour * 0.01,
      capacity: null,
    };
    meters.bus.emit("cost", { meter: "meter", identity: identity(), state: cost });
    const tomorrow = dayStart + DAY_MS;
    const forecast: ForecastState = {
      today: { value: 9.6, p10: 8.1, p90: 11.4 },
      nextHour: { startMs: atMs + HOUR_MS, value: 0.42, p10: 0.3, p90: 0.61 },
      monthEnergy: { value: 290, p10: 270, p90: 315 },
      monthCost: { value: 84.2, p10: 78.5, p90: 91.3 },
      tomorrow: Array.from({ length: 24 }, (_, h) => ({
        startMs: tomorrow + h * HOUR_MS,
        kwh: 0.3 + (h % 6) * 0.05,
        p10: 0.2 + (h % 6) * 0.04,
        p90: 0.45 + (h % 6) * 0.07,
      })),
      recentDailyErrorPercent: 12.5,
      historyDays: 30 + hour / 24,
    };
    meters.bus.emit("forecast", { meter: "meter", identity: identity(), state: forecast });
    const due = incidents.find((candidate) => candidate.startMs + HOUR_MS === atMs);
    if (due) {
      const open = due === incidents.at(-1);
      meters.bus.emit("anomalies", {
        meter: "meter",
        identity: identity(),
        state: {
          status: "watching",
          history: { days: 30, needed: 28 },
          open: open ? [due] : [],
          last: due,
          kinds: [due.kind],
        },
        fired: [due],
      });
    }
  }
  clock.ms = null;
}

describe("the Grafana dashboard against a real InfluxDB 1.6 filled by the forwarder", () => {
  let influxd: Influxd;
  let dataDir: string;
  let plugin: InfluxPlugin;
  let meters: MeterEventSource;
  let range: { fromMs: number; toMs: number };
  let written: ForwarderStatus;
  const logged: string[] = [];

  beforeAll(async () => {
    influxd = await Influxd.start();
    await influxd.createDatabase("e450");
    dataDir = mkdtempSync(join(tmpdir(), "e450-grafana-"));
    const options = influxFromOptions({
      url: influxd.url,
      version: 1,
      database: "e450",
      measurements: [],
      power_interval: 0,
    })!;
    const clock: { ms: number | null } = { ms: null };
    const logger = {
      ...quiet,
      warn: (message: string) => logged.push(`warn: ${message}`),
      error: (message: string) => logged.push(`error: ${message}`),
    };
    plugin = new InfluxPlugin(options, join(dataDir, "influxdb-queue.sqlite"), logger, {
      now: () => clock.ms ?? Date.now(),
      meterTimeZone: "UTC",
    });
    meters = new MeterEventSource();
    let identity: MeterIdentity | null = null;
    meters.bus.on("snapshot", (event) => {
      identity = event.identity;
    });
    plugin.start(meters.bus);

    const decoded = decodeBytes(caseBytes(FRAME), caseKeys(FRAME));
    expect(decoded.snapshots).toHaveLength(1);
    const endMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const span = { startMs: endMs - DAYS * DAY_MS, endMs };
    // The forecasts reach into tomorrow; the range covers them, as a time picker set into the future does.
    range = { fromMs: span.startMs - HOUR_MS, toMs: endMs + 2 * DAY_MS };
    const statuses: ForwarderStatus[] = [];
    const drained = new Promise<ForwarderStatus>((resolve) => {
      meters.bus.on("forwarder", ({ status }) => {
        statuses.push(status);
        if (status.queuedLines === 0 && status.writtenLines > 0) resolve(status);
      });
    });
    feed(meters, decoded.snapshots[0]!, () => identity!, clock, span);
    // The plugin reports its queue every 10 s; the first report with nothing queued ends the wait.
    written = await Promise.race([
      drained,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`queue not drained: ${JSON.stringify(statuses)}`)), 40_000),
      ),
    ]);
  }, 60_000);

  afterAll(async () => {
    await plugin?.stop();
    meters?.stop();
    await influxd?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("is written by the forwarder without a refused line or a warning", () => {
    expect(written).toMatchObject({ queuedLines: 0, deadLetters: 0, droppedLines: 0, lastError: null });
    expect(logged).toEqual([]);
  });

  it("is an importable dashboard that asks for the InfluxDB data source and uses it everywhere", () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    // Grafana 10.4 and 11.0 save schema 39; later versions migrate it on load.
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: "DS_INFLUXDB", type: "datasource", pluginId: "influxdb" }),
    ]);

    const variables = dashboard.templating.list;
    expect(new Set(variables.map((v) => v.name)).size).toBe(variables.length);
    expect(variables.find((v) => v.name === "datasource")).toMatchObject({
      type: "datasource",
      query: "influxdb",
      current: { value: IMPORT_INPUT },
    });
    expect(variables.find((v) => v.name === "meter")).toMatchObject({
      type: "query",
      query: 'SHOW TAG VALUES FROM "energy" WITH KEY = "meter"',
      multi: true,
      includeAll: true,
      datasource: DATASOURCE,
    });
    // The import input only fills the variable's default: no panel is tied to one data source's uid.
    expect(dashboardText.split(IMPORT_INPUT)).toHaveLength(2);
    const refs = datasourceRefs(dashboard).filter(
      ({ ref }) => (ref as { uid?: string } | null)?.uid !== "-- Grafana --",
    );
    expect(refs.filter(({ ref }) => JSON.stringify(ref) !== JSON.stringify(DATASOURCE))).toEqual([]);

    const panels = dashboard.panels.filter((panel) => panel.type !== "row");
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      const refIds = panel.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      for (const t of panel.targets!) {
        expect(t, panel.title).toMatchObject({ rawQuery: true, datasource: DATASOURCE });
      }
      // Grafana's panel time overrides: a relative range (describeTextRange) and a shift such as 1M/M.
      // Overrides (the forecast band's fillBelowTo) name what the panel's queries return: a column
      // they name with AS, or a tag they group by.
      const named = new Set(panel.targets!.flatMap((t) => namedColumns(t.query)));
      for (const { matcher } of panel.fieldConfig?.overrides ?? []) {
        if (matcher.id === "byName" && matcher.options !== "Time") {
          expect(named, panel.title).toContain(matcher.options);
        }
      }
      if (panel.timeFrom) expect(panel.timeFrom).toMatch(/^(now\/[dwMy]|\+?\d+[smhdwMy])$/);
      if (panel.timeShift) expect(panel.timeShift).toMatch(/^\d+[smhdwMy](\/[dwMy])?$/);
    }
    // The grid: 24 columns, no two panels on the same cells.
    for (const [i, a] of dashboard.panels.entries()) {
      expect(a.gridPos.x + a.gridPos.w, a.title).toBeLessThanOrEqual(24);
      for (const b of dashboard.panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        expect(apart, `${a.title} / ${b.title}`).toBe(true);
      }
    }
    // One row per selected meter: inside it $meter is that meter.
    expect(dashboard.panels[0]).toMatchObject({ type: "row", repeat: "meter" });
  });

  it("filters every data query by the meter variable and the time range", () => {
    for (const { where, query } of dashboardQueries(dashboard)) {
      if (query.startsWith("SHOW")) continue;
      expect(query, where).toContain('"meter" =~ /^$meter$/');
      expect(query, where).toContain("$timeFilter");
    }
  });

  it("answers every query of the dashboard with rows, each selected column holding values", async () => {
    const meterValues = (
      await influxd.query(dashboard.templating.list.find((v) => v.name === "meter")!.query, "e450")
    ).flatMap((s) => s.values.map((row) => String(row[1])));
    expect(meterValues).toEqual([SERIAL]);
    // "All" (the default) formats every value of the variable; inside a repeated row it is one of them.
    const variables = { meter: meterValues, tz: TZ };
    const queries = dashboardQueries(dashboard);
    const problems: string[] = [];
    for (const { where, query } of queries) {
      const statement = interpolate(query, variables, range);
      expect(statement, where).not.toMatch(/\$\w|\[\[/);
      try {
        problems.push(...problemsOf(await influxd.query(statement, "e450")).map((p) => `${where}: ${p}`));
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(queries.length).toBeGreaterThanOrEqual(20);
  });

  it("shows what the meter pushed and days in the chosen time zone", async () => {
    const run = async (title: string) => {
      const panel = dashboard.panels.find((p) => p.title === title)!;
      return influxd.query(interpolate(panel.targets![0]!.query, { meter: [SERIAL], tz: TZ }, range), "e450");
    };
    // The real push: 28 W imported, nothing exported.
    expect(await run("Power now")).toEqual([
      expect.objectContaining({
        columns: ["time", "import", "export", "net"],
        values: [[expect.any(String), 28, 0, 28]],
      }),
    ]);
    // Daily bars start at local midnight in $tz (+01:00 or +02:00 in Zurich), not at UTC midnight.
    const days = (await run("Energy per day")).flatMap((s) => s.values.map((row) => String(row[0])));
    expect(days.length).toBeGreaterThanOrEqual(DAYS);
    for (const day of days) expect(day).toMatch(/T00:00:00\+0[12]:00$/);
  });

  it("fails the check for a renamed field or measurement (the rows check is real)", async () => {
    const power = dashboard.panels.find((p) => p.title === "Power")!.targets![0]!.query;
    const variables = { meter: [SERIAL], tz: TZ };
    const renamedField = interpolate(
      power.replace('mean("import_w")', 'mean("import_watts")'),
      variables,
      range,
    );
    expect(problemsOf(await influxd.query(renamedField, "e450"))).toEqual(['column "import" has no value']);
    const renamedMeasurement = interpolate(power.replace('FROM "power"', 'FROM "powers"'), variables, range);
    expect(problemsOf(await influxd.query(renamedMeasurement, "e450"))).toEqual(["no rows"]);
    const otherMeter = interpolate(power, { ...variables, meter: ["29076916"] }, range);
    expect(problemsOf(await influxd.query(otherMeter, "e450"))).toEqual(["no rows"]);
  });
});
