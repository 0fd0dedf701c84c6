/** The API's routes on a real history store and the events a runtime publishes, through fastify's inject. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MeterDiagnostics } from "../../../src/bus/events.js";
import type { AnomalyState, ForecastState } from "../../../src/model/insights.js";
import type { StoredInterval } from "../../../src/store/types.js";
import { E450_PUSH } from "../../fixtures/mqtt/e450-snapshots.js";
import { type WebFixture, webFixture } from "./web-fixture.js";

const QUARTER = 900_000;
/** 2026-03-02 00:00 in Zurich (UTC+1). */
const DAY_START = Date.UTC(2026, 2, 1, 23, 0);
const NOW = DAY_START + 2 * 86_400_000;

function quarters(from: number, count: number, kwh: (i: number) => number): StoredInterval[] {
  return Array.from({ length: count }, (_, i) => ({
    startMs: from + i * QUARTER,
    endMs: from + (i + 1) * QUARTER,
    importKwh: kwh(i),
    exportKwh: 0.01,
    source: i === 5 ? "estimated" : "live",
  }));
}

const DIAGNOSTICS: MeterDiagnostics = {
  bytesReceived: 480,
  framesReceived: 12,
  framesRejected: { checksum: 2 },
  lostFrames: 0,
  decryptionFailures: 1,
  lastFrameAt: NOW - 5000,
  totalsHeldBack: 0,
  readingsRejected: {},
  stateWriteFailures: 0,
  lastStateError: null,
  line: { format: { baudRate: 2400, dataBits: 8, parity: "even", stopBits: 1 }, hunting: false },
  clockOffsetSeconds: -3,
};

describe("the API routes", () => {
  let web: WebFixture;
  let meter: string;
  const get = async (url: string) => {
    const response = await web.app.inject({ method: "GET", url });
    return { status: response.statusCode, body: response.json() };
  };

  beforeEach(async () => {
    web = await webFixture({ now: () => NOW });
    web.source.push(E450_PUSH);
    meter = [...web.live.meters.keys()][0]!;
    // Two local days; 0.1 kWh per quarter, 0.4 kWh in the day's first hour's quarters.
    web.store.writeIntervals(
      meter,
      quarters(DAY_START, 192, (i) => (i % 96 < 4 ? 0.4 : 0.1)),
    );
  });

  afterEach(async () => {
    await web.close();
  });

  it("lists the meters with identity, availability and link", async () => {
    web.source.link("up");
    const { status, body } = await get("/api/meters");
    expect(status).toBe(200);
    expect(body.meters).toEqual([
      expect.objectContaining({
        key: meter,
        serial: "71234567",
        systemTitle: "4C475A670312D687",
        online: true,
        link: "up",
      }),
    ]);
    expect(body.meters[0].lastPushAt).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2}$/,
    );
  });

  it("gives the latest readings with keys, names, exact numbers and derived values", async () => {
    const { status, body } = await get("/api/readings/latest");
    expect(status).toBe(200);
    expect(body.meter).toBe(meter);
    expect(body.meterTime).toBe("2026-11-28T14:05:10+01:00");
    expect(body.readings).toContainEqual({
      obis: "1-0:32.7.0.255",
      key: "voltage_l1",
      name: "Voltage L1",
      value: 231.4,
      unit: "V",
    });
    expect(body.readings).toContainEqual({
      obis: "1-1:1.8.0.255",
      key: "energy_import",
      name: "Energy import",
      value: 12345678,
      unit: "Wh",
    });
    expect(body.readings.some((r: { key: string }) => r.key === "power_net")).toBe(true);
  });

  it("answers 404 no-data before the first push, and 404 unknown-meter for a meter nobody heard of", async () => {
    const fresh = await webFixture();
    try {
      const response = await fresh.app.inject("/api/readings/latest");
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: "no-data", message: expect.any(String) } });
    } finally {
      await fresh.close();
    }
    const { status, body } = await get("/api/readings/latest?meter=nobody");
    expect(status).toBe(404);
    expect(body.error.code).toBe("unknown-meter");
  });

  it("sums 15-minute energy into local hours and days, keeping estimated marks", async () => {
    const quarterly = await get("/api/data?period=24h");
    expect(quarterly.status).toBe(200);
    expect(quarterly.body.resolution).toBe("15min");
    expect(quarterly.body.energy).toHaveLength(96);
    expect(quarterly.body.period).toEqual({
      from: "2026-03-03T00:00:00+01:00",
      to: "2026-03-04T00:00:00+01:00",
    });

    const hourly = await get(`/api/data?period=2026-03-02/2026-03-02&resolution=1h`);
    expect(hourly.body.energy).toHaveLength(24);
    expect(hourly.body.energy[0]).toEqual({
      t: DAY_START,
      importKwh: 1.6,
      exportKwh: 0.04,
      estimated: false,
    });
    expect(hourly.body.energy[1]).toMatchObject({ estimated: true });

    const daily = await get("/api/data?period=7d&resolution=1d");
    expect(daily.body.energy.map((d: { t: number }) => d.t)).toEqual([DAY_START, DAY_START + 86_400_000]);
    expect(daily.body.energy[0].importKwh).toBeCloseTo(1.6 + 92 * 0.1, 9);
    expect(daily.body.power).toEqual([]);
  });

  it("serves power minutes for raw and 1min, and refuses them over more than a month", async () => {
    web.store.writeSamples(meter, [
      { minuteMs: NOW - 120_000, quantity: "power_import", min: 100, mean: 150, max: 300, count: 12 },
      { minuteMs: NOW - 60_000, quantity: "power_export", min: 0, mean: 5, max: 10, count: 12 },
      { minuteMs: NOW - 60_000, quantity: "voltage_l1", min: 229, mean: 230, max: 231, count: 12 },
    ]);
    const { body } = await get("/api/data?period=24h&resolution=1min");
    expect(body.energy).toEqual([]);
    expect(body.power).toEqual([
      { t: NOW - 120_000, quantity: "power_import", min: 100, mean: 150, max: 300 },
      { t: NOW - 60_000, quantity: "power_export", min: 0, mean: 5, max: 10 },
    ]);
    const tooLong = await get("/api/data?period=1y&resolution=raw");
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("invalid-parameter");
  });

  it("refuses malformed parameters with 400 invalid-parameter", async () => {
    for (const url of [
      "/api/data?period=3w",
      "/api/data?resolution=5min",
      "/api/data?period=2026-03-05/2026-03-01",
      "/api/data?period=2026-02-30/2026-03-01",
      "/api/frames?limit=501",
      "/api/readings/latest?meter=Not%20a%20key",
    ]) {
      const { status, body } = await get(url);
      expect([url, status, body.error?.code]).toEqual([url, 400, "invalid-parameter"]);
    }
  });

  it("answers the same energy as integer columns with format=columns", async () => {
    const url = "/api/data?period=2026-03-02/2026-03-03&resolution=15min";
    const points = (await get(url)).body.energy;
    const { status, body } = await get(`${url}&format=columns`);
    expect(status).toBe(200);
    const columns = body.energy;
    expect(columns.t0).toBe(points[0].t);
    expect(columns.minutes).toHaveLength(points.length);
    expect(columns.minutes.slice(0, 3)).toEqual([0, 15, 30]);
    expect(columns.importMilliWh.slice(0, 5)).toEqual([400_000, 400_000, 400_000, 400_000, 100_000]);
    expect(columns.importMilliWh.map((mwh: number) => mwh / 1e6)).toEqual(
      points.map((p: { importKwh: number }) => p.importKwh),
    );
    expect(columns.estimated).toEqual(points.map((p: { estimated: boolean }) => (p.estimated ? 1 : 0)));
  });

  it("costs a period under the configured tariff, by day and by rate, and under the flat average", async () => {
    const { status, body } = await get("/api/costs?period=2026-03-02/2026-03-03");
    expect(status).toBe(200);
    expect(body).toMatchObject({ currency: "CHF", tariff: "configured", unpricedIntervals: 0 });
    expect(body.importKwh).toBeCloseTo(2 * (1.6 + 9.2), 9);
    expect(body.standingCharges).toBeCloseTo(1, 9);
    expect(body.days.map((d: { date: string }) => d.date)).toEqual(["2026-03-02", "2026-03-03"]);
    expect(body.byRate.map((r: { rate: string }) => r.rate).sort()).toEqual(["high", "other"]);
    // Per day: 00-01 h 1.6 kWh at 0.20, 07-20 h 5.2 kWh at 0.30, the other 10 h 4.0 kWh at 0.20, and 0.50 a day.
    expect(body.days[0].netCost).toBeCloseTo(1.6 * 0.2 + 5.2 * 0.3 + 4.0 * 0.2 + 0.5, 9);

    const flat = await get("/api/costs?period=2026-03-02/2026-03-03&tariff=flat-average");
    // Time-weighted mean energy price: 13 h at 0.30 and 11 h at 0.20.
    const mean = (13 * 0.3 + 11 * 0.2) / 24;
    expect(flat.body.tariff).toBe("flat-average");
    expect(flat.body.importCost).toBeCloseTo(body.importKwh * mean, 9);
    expect(flat.body.byRate).toEqual([
      { rate: "flat", importKwh: body.importKwh, cost: flat.body.importCost },
    ]);

    const seed = await get("/api/costs?period=2026-03-02/2026-03-03&tarif=flat-average");
    expect(seed.body.tariff).toBe("flat-average");

    const unknown = await get("/api/costs?tariff=dynamic");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({
      code: "unknown-tariff",
      message: expect.stringContaining("flat-average"),
    });
  });

  it("costs a period under a named alternative from the tariff file, and lists the names it knows", async () => {
    const fixed = {
      timeZone: "Europe/Zurich",
      currency: "CHF",
      versions: [{ validFrom: "2020-01-01", import: { kind: "fixed" as const, pricePerKwh: 0.25 } }],
    };
    const compared = await webFixture({ now: () => NOW, tariffAlternatives: { "fixed-25": fixed } });
    try {
      compared.source.push(E450_PUSH);
      const key = [...compared.live.meters.keys()][0]!;
      compared.store.writeIntervals(
        key,
        quarters(DAY_START, 192, (i) => (i % 96 < 4 ? 0.4 : 0.1)),
      );
      const response = await compared.app.inject("/api/costs?period=2026-03-02/2026-03-03&tariff=fixed-25");
      const body = response.json();
      expect(body.tariff).toBe("fixed-25");
      // 2 × 10.8 kWh at 0.25, nothing else in that tariff.
      expect(body.importCost).toBeCloseTo(2 * 10.8 * 0.25, 9);
      expect(body.netCost).toBeCloseTo(2 * 10.8 * 0.25, 9);
      const unknown = (await compared.app.inject("/api/costs?tariff=nope")).json();
      expect(unknown.error.message).toBe("no tariff nope; known: configured, flat-average, fixed-25");
    } finally {
      await compared.close();
    }
  });

  it("answers 503 no-tariff without a tariff, and 503 unavailable without a store", async () => {
    const bare = await webFixture({ tariff: null, withoutStore: true });
    try {
      bare.source.push(E450_PUSH);
      expect((await bare.app.inject("/api/costs")).json().error.code).toBe("unavailable");
      expect((await bare.app.inject("/api/data")).statusCode).toBe(503);
    } finally {
      await bare.close();
    }
    const noTariff = await webFixture({ tariff: null });
    try {
      noTariff.source.push(E450_PUSH);
      const response = await noTariff.app.inject("/api/costs");
      expect([response.statusCode, response.json().error.code]).toEqual([503, "no-tariff"]);
    } finally {
      await noTariff.close();
    }
  });

  it("lists stored anomalies overlapping the period, open ones without an end", async () => {
    web.store.saveAnomaly(meter, {
      id: "night-baseload:1",
      kind: "night-baseload",
      startMs: NOW - 3_600_000,
      endMs: NOW - 1_800_000,
      expected: 120,
      observed: 480,
      unit: "W",
      score: 4.2,
      message: "Night-time consumption is four times the usual.",
      open: true,
    });
    const { body } = await get("/api/anomalies?period=7d");
    expect(body).toEqual({
      status: "learning",
      history: { days: 0, needed: 28 },
      incidents: [
        {
          id: "night-baseload:1",
          kind: "night-baseload",
          since: "2026-03-03T23:00:00+01:00",
          until: null,
          open: true,
          expected: 120,
          observed: 480,
          unit: "W",
          score: 4.2,
          sentence: "Night-time consumption is four times the usual.",
        },
      ],
    });
  });

  it("tells the anomaly detectors' learning progress from the live state", async () => {
    const identity = web.live.meters.get(meter)!.identity;
    const state: AnomalyState = {
      status: "learning",
      history: { days: 12, needed: 28 },
      open: [],
      last: null,
      kinds: ["spike"],
    };
    web.source.bus.emit("anomalies", { meter: "meter", identity, state, fired: [] });
    const { body } = await get("/api/anomalies?period=7d");
    expect(body).toEqual({ incidents: [], status: "learning", history: { days: 12, needed: 28 } });
  });

  it("gives the latest forecast with ISO times, 404 before the first", async () => {
    expect((await get("/api/forecast")).body.error.code).toBe("no-forecast");
    const state: ForecastState = {
      today: { value: 11.2, p10: 9, p90: 13 },
      nextHour: { value: 0.5, p10: null, p90: null, startMs: NOW },
      monthEnergy: { value: 320, p10: 300, p90: 340 },
      monthCost: null,
      tomorrow: [{ startMs: NOW + 3_600_000, kwh: 0.4, p10: 0.2, p90: 0.6 }],
      recentDailyErrorPercent: 12.5,
      historyDays: 30,
    };
    const identity = web.live.meters.get(meter)!.identity;
    web.source.bus.emit("forecast", { meter: "meter", identity, state });
    const { body } = await get("/api/forecast");
    expect(body).toEqual({
      today: { value: 11.2, p10: 9, p90: 13 },
      nextHour: { value: 0.5, p10: null, p90: null, start: "2026-03-04T00:00:00+01:00", t: NOW },
      month: { value: 320, p10: 300, p90: 340 },
      monthCost: null,
      tomorrow: [{ t: NOW + 3_600_000, start: "2026-03-04T01:00:00+01:00", kwh: 0.4, p10: 0.2, p90: 0.6 }],
      recentDailyErrorPercent: 12.5,
      historyDays: 30,
    });
  });

  it("keeps the last frames newest first with the issue or the decode that followed", async () => {
    const bus = web.source.bus;
    bus.emit("frame", { meter: "meter", protocol: "hdlc", raw: Uint8Array.of(0x7e, 0xa0, 0x7e), at: 1000 });
    bus.emit("issue", { meter: "meter", issue: { code: "checksum", message: "FCS mismatch" }, at: 1000 });
    bus.emit("frame", { meter: "meter", protocol: "hdlc", raw: Uint8Array.of(0x7e, 0x01, 0x7e), at: 6000 });
    bus.emit("decoded", { meter: "meter", snapshot: E450_PUSH, receivedAt: 6000 });
    for (let i = 0; i < 600; i++)
      bus.emit("frame", { meter: "meter", protocol: "mbus", raw: Uint8Array.of(i & 0xff), at: 10_000 + i });
    const all = await get("/api/frames?limit=500");
    expect(all.body.frames).toHaveLength(500);
    expect(all.body.frames[0]).toMatchObject({
      protocol: "mbus",
      hex: "57",
      t: 10_599,
      issue: null,
      readings: 0,
      meter,
    });

    const fresh = await webFixture();
    try {
      fresh.source.bus.emit("frame", {
        meter: "meter",
        protocol: "hdlc",
        raw: Uint8Array.of(0x7e, 0xa0, 0x7e),
        at: 1000,
      });
      fresh.source.bus.emit("issue", {
        meter: "meter",
        issue: { code: "checksum", message: "FCS mismatch" },
        at: 1000,
      });
      fresh.source.bus.emit("frame", {
        meter: "meter",
        protocol: "hdlc",
        raw: Uint8Array.of(0x7e, 0x01, 0x7e),
        at: 6000,
      });
      fresh.source.bus.emit("decoded", { meter: "meter", snapshot: E450_PUSH, receivedAt: 6000 });
      // A late issue belongs to no frame.
      fresh.source.bus.emit("issue", {
        meter: "meter",
        issue: { code: "silence", message: "no data" },
        at: 60_000,
      });
      const { frames } = (await fresh.app.inject("/api/frames")).json();
      expect(frames).toEqual([
        expect.objectContaining({ hex: "7e017e", issue: null, readings: E450_PUSH.readings.length }),
        expect.objectContaining({
          hex: "7ea07e",
          issue: { code: "checksum", message: "FCS mismatch" },
          readings: 0,
        }),
      ]);
    } finally {
      await fresh.close();
    }
  });

  it("shows each connection's counters with its link, and the store's size", async () => {
    web.source.link("up");
    web.source.diagnostics(DIAGNOSTICS);
    const { body } = await get("/api/diagnostics");
    expect(body.meters).toEqual([
      { ...DIAGNOSTICS, meter, link: "up", lastFrameAt: "2026-03-03T23:59:55+01:00" },
    ]);
    expect(body.store).toEqual({
      file: expect.stringMatching(/history\.sqlite$/),
      bytes: expect.any(Number),
      intervals: 192,
    });
    expect(body.store.bytes).toBeGreaterThan(0);
    expect(body.version).toBe("9.9.9");
  });

  it("gives the InfluxDB forwarder's latest report, and null while there is none (not configured)", async () => {
    expect((await get("/api/diagnostics")).body.forwarder).toBeNull();
    web.source.bus.emit("forwarder", {
      status: {
        queuedLines: 120,
        queuedBytes: 9_600,
        oldestQueuedMs: NOW - 95_000,
        writtenLines: 5_000,
        deadLetters: 1,
        droppedLines: 0,
        lastError: "InfluxDB 1 at http://127.0.0.1:8086 (database e450) answered 503: timeout",
        lastWriteMs: NOW - 120_000,
      },
      at: NOW,
    });
    const { status, body } = await get("/api/diagnostics");
    expect(status).toBe(200);
    // Times in the API's ISO form with the zone's offset, like lastFrameAt (NOW is 00:00 in Zurich).
    expect(body.forwarder).toEqual({
      queuedLines: 120,
      queuedBytes: 9_600,
      oldestQueuedAt: "2026-03-03T23:58:25+01:00",
      writtenLines: 5_000,
      deadLetters: 1,
      droppedLines: 0,
      lastError: "InfluxDB 1 at http://127.0.0.1:8086 (database e450) answered 503: timeout",
      lastWriteAt: "2026-03-03T23:58:00+01:00",
      reportedAt: "2026-03-04T00:00:00+01:00",
    });
    const spec = (await get("/api/openapi.json")).body;
    const schema = spec.paths["/api/diagnostics"].get.responses["200"].content["application/json"].schema;
    expect(schema.required).toContain("forwarder");
  });

  it("resets the guard only when confirmed, and says so when the service cannot", async () => {
    const post = (app: WebFixture["app"], payload?: object) =>
      app.inject({ method: "POST", url: "/api/diagnostics/reset-guard", ...(payload ? { payload } : {}) });
    expect((await post(web.app)).statusCode).toBe(400);
    expect((await post(web.app, { confirm: false })).json().error.code).toBe("invalid-parameter");
    expect((await post(web.app, { confirm: true })).json().error.code).toBe("unavailable");
    const reset: string[] = [];
    const wired = await webFixture({ resetGuard: (m) => void reset.push(m) });
    try {
      wired.source.push(E450_PUSH);
      const response = await post(wired.app, { confirm: true });
      expect(response.statusCode).toBe(200);
      expect(reset).toEqual([meter]);
    } finally {
      await wired.close();
    }
  });

  it("answers unknown paths with the error shape", async () => {
    const { status, body } = await get("/api/nothing-here");
    expect([status, body.error.code]).toEqual([404, "not-found"]);
  });

  it("documents every API route in the generated OpenAPI document", async () => {
    const { status, body } = await get("/api/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const operations = Object.entries(body.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /api/anomalies",
        "GET /api/building",
        "GET /api/costs",
        "GET /api/data",
        "GET /api/diagnostics",
        "GET /api/forecast",
        "GET /api/frames",
        "GET /api/meters",
        "GET /api/readings/latest",
        "GET /api/setup",
        "GET /api/stream",
        "POST /api/diagnostics/reset-guard",
        "POST /api/inspect",
      ].sort(),
    );
    expect(body.paths["/api/data"].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      "format",
      "meter",
      "period",
      "resolution",
    ]);
  });
});
