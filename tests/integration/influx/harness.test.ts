/**
 * The two InfluxDB helpers the forwarder's tests stand on: a real InfluxDB 1.6 (`Influxd`) with users,
 * restarts and crashes, and the v2 write API stand-in (`InfluxV2StandIn`), whose line protocol
 * parsing and type-conflict answers are checked against the real server's.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InfluxV2StandIn } from "../../helpers/influx-v2-standin.js";
import { Influxd, type InfluxSeries } from "../../helpers/influxd.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** InfluxDB 1.x's RFC 3339 time of a nanosecond timestamp, as its /query answers it. */
function rfc3339(ns: bigint): string {
  const seconds = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${seconds}${fraction ? `.${fraction}` : ""}Z`;
}

/** A query result as one object per row, keyed by column. */
function rows(series: InfluxSeries[]): Record<string, unknown>[] {
  return series.flatMap(({ columns, values }) =>
    values.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i]]))),
  );
}

async function writeV1(influxd: Influxd, database: string, body: string, authorization?: string) {
  const response = await fetch(`${influxd.url}/write?db=${database}&precision=s`, {
    method: "POST",
    headers: authorization ? { authorization } : {},
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe("Influxd: a real InfluxDB 1.6 with authentication", () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await Influxd.start({ auth: true });
    await influxd.createDatabase("e450");
    await influxd.createUser("writer", "writer-pw", { database: "e450", privilege: "WRITE" });
    await influxd.createUser("reader", "reader-pw", [{ database: "e450", privilege: "READ" }]);
  });

  afterAll(async () => {
    await influxd.close();
  });

  it("listens on a free loopback port, not InfluxDB's default", () => {
    expect(influxd.url).toBe(`http://127.0.0.1:${influxd.port}`);
    expect(influxd.port).not.toBe(8086);
  });

  it("takes a write with the user's credentials and gives it back to a query", async () => {
    const written = await writeV1(
      influxd,
      "e450",
      "power,meter=m1 active_w=1234.5,energy_wh=42i 1700000000",
      basic("writer", "writer-pw"),
    );
    expect(written).toEqual({ status: 204, text: "" });
    const series = await influxd.query("SELECT * FROM power", "e450");
    expect(series).toEqual([
      {
        name: "power",
        columns: ["time", "active_w", "energy_wh", "meter"],
        values: [["2023-11-14T22:13:20Z", 1234.5, 42, "m1"]],
      },
    ]);
    expect(await influxd.query('SHOW GRANTS FOR "writer"')).toEqual([
      { columns: ["database", "privilege"], values: [["e450", "WRITE"]] },
    ]);
  });

  it("refuses a wrong password, no credentials and a user without the write grant", async () => {
    expect(await writeV1(influxd, "e450", "power v=1 1", basic("writer", "wrong"))).toEqual({
      status: 401,
      text: '{"error":"authorization failed"}\n',
    });
    expect((await writeV1(influxd, "e450", "power v=1 1")).status).toBe(401);
    expect(await writeV1(influxd, "e450", "power v=1 1", basic("reader", "reader-pw"))).toEqual({
      status: 403,
      text: '{"error":"\\"reader\\" user is not authorized to write to database \\"e450\\""}\n',
    });
  });

  it("throws the server's error text for a failing statement, with no password in it", async () => {
    await expect(influxd.query("SELECT * FROM", "e450")).rejects.toThrow(
      "error parsing query: found EOF, expected identifier",
    );
    const failing = influxd.query("CREATE USER x WITH PASSWORD 'hunter2' WITH ALL PRIVILEGES WITH");
    await expect(failing).rejects.toThrow("PASSWORD [redacted]");
    await expect(failing).rejects.not.toThrow("hunter2");
    await expect(influxd.query("SELECT * FROM power", "nowhere")).rejects.toThrow(
      "database not found: nowhere",
    );
  });

  it("keeps its data and its port across stop() and resume()", async () => {
    await writeV1(influxd, "e450", "restart,phase=1 v=1 1700000001", basic("writer", "writer-pw"));
    const port = influxd.port;
    await influxd.stop();
    await expect(fetch(`${influxd.url}/ping`)).rejects.toThrow();
    await influxd.resume();
    expect(influxd.port).toBe(port);
    expect(rows(await influxd.query("SELECT * FROM restart", "e450"))).toEqual([
      { time: "2023-11-14T22:13:21Z", phase: "1", v: 1 },
    ]);
    // The users and their grants are in the meta store, kept too.
    expect(
      (await writeV1(influxd, "e450", "restart v=2 1700000002", basic("writer", "writer-pw"))).status,
    ).toBe(204);
  });

  it("keeps an acknowledged write across kill() (SIGKILL) and resume()", async () => {
    await writeV1(influxd, "e450", "crash v=7i 1700000003", basic("writer", "writer-pw"));
    await influxd.kill();
    await influxd.resume();
    expect(rows(await influxd.query("SELECT * FROM crash", "e450"))).toEqual([
      { time: "2023-11-14T22:13:23Z", v: 7 },
    ]);
  });
});

describe("Influxd without authentication", () => {
  it("answers queries without credentials", async () => {
    const influxd = await Influxd.start();
    try {
      await influxd.createDatabase("open");
      expect(rows(await influxd.query("SHOW DATABASES"))).toContainEqual({ name: "open" });
      expect((await writeV1(influxd, "open", "m v=1 1")).status).toBe(204);
    } finally {
      await influxd.close();
    }
  });
});

describe("InfluxV2StandIn: the v2 write API as documented", () => {
  const TOKEN = "stand-in-token";
  let standIn: InfluxV2StandIn;
  let influxd: Influxd;

  beforeAll(async () => {
    standIn = await InfluxV2StandIn.start({ org: "home", bucket: "e450", token: TOKEN });
    influxd = await Influxd.start();
    await influxd.createDatabase("same");
  });

  afterAll(async () => {
    await standIn.close();
    await influxd.close();
  });

  async function write(
    body: string | Buffer,
    {
      query = "org=home&bucket=e450&precision=s",
      token = TOKEN,
      headers = {} as Record<string, string>,
    } = {},
  ) {
    const response = await fetch(`${standIn.url}/api/v2/write?${query}`, {
      method: "POST",
      headers: { authorization: `Token ${token}`, ...headers },
      body,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  it("answers /ping 204 and /health 200", async () => {
    expect((await fetch(`${standIn.url}/ping`)).status).toBe(204);
    const health = await fetch(`${standIn.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "pass" });
  });

  it("takes a gzipped body and keeps the points typed, timestamps in nanoseconds", async () => {
    const body = gzipSync("gz,meter=m1 e=1i,p=2.5 1700000000\ngz,meter=m2 e=3i,p=4 1700000000\n");
    const written = await write(body, { headers: { "content-encoding": "gzip" } });
    expect(written.status).toBe(204);
    expect(standIn.points("gz")).toEqual([
      {
        measurement: "gz",
        tags: { meter: "m1" },
        fields: { e: 1n, p: 2.5 },
        types: { e: "integer", p: "float" },
        timestamp: 1_700_000_000_000_000_000n,
      },
      {
        measurement: "gz",
        tags: { meter: "m2" },
        fields: { e: 3n, p: 4 },
        types: { e: "integer", p: "float" },
        timestamp: 1_700_000_000_000_000_000n,
      },
    ]);
  });

  it("takes orgID for org and ms precision", async () => {
    expect(
      (await write("ms v=1 1700000000123", { query: `orgID=${standIn.orgID}&bucket=e450&precision=ms` }))
        .status,
    ).toBe(204);
    expect(standIn.points("ms").map((point) => point.timestamp)).toEqual([1_700_000_000_123_000_000n]);
  });

  it("refuses a missing or wrong token with 401", async () => {
    const missing = await fetch(`${standIn.url}/api/v2/write?org=home&bucket=e450`, {
      method: "POST",
      body: "m v=1",
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ code: "unauthorized", message: "unauthorized access" });
    expect(await write("m v=1", { token: "wrong" })).toMatchObject({
      status: 401,
      body: { code: "unauthorized", message: "unauthorized access" },
    });
    expect(standIn.points("m")).toEqual([]);
  });

  it("names an unknown bucket or organization with 404", async () => {
    expect(await write("m v=1", { query: "org=home&bucket=other" })).toMatchObject({
      status: 404,
      body: { code: "not found", message: 'bucket "other" not found' },
    });
    expect(await write("m v=1", { query: "org=work&bucket=e450" })).toMatchObject({
      status: 404,
      body: { code: "not found", message: 'organization name "work" not found' },
    });
    expect(standIn.points("m")).toEqual([]);
  });

  it("refuses a malformed line with 400 and stores nothing of that request", async () => {
    const body = "bad v=1 1\nbad,x v=2 2\n";
    const answer = await write(body);
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid" } });
    expect(answer.body.message).toBe("unable to parse 'bad,x v=2 2': missing tag value");
    expect(standIn.points("bad")).toEqual([]);
    // The real server names the line and the reason in the same words (1.x then writes the good lines).
    expect(JSON.parse((await writeV1(influxd, "same", body)).text).error).toContain(answer.body.message);
  });

  it("overwrites a point with the same series and time, as InfluxDB does", async () => {
    await write("same,meter=m1 a=1,b=2 1700000000");
    await write("same,meter=m1 a=5 1700000000");
    expect(standIn.points("same")).toMatchObject([
      { fields: { a: 5, b: 2 }, timestamp: 1_700_000_000_000_000_000n },
    ]);
  });

  it("parses escapes and field types as the real server does", async () => {
    const body = [
      'cpu\\,load,host\\ name=a\\=b\\,c,z=1 text="say \\"hi\\", a=b C:\\\\dir",n=-5i,ok=t,off=FALSE,x=1.5e3 1700000000',
      'nl s="line1\nline2" 1700000001',
      "weird\\ m\\x,t=v\\q f=1 1700000002",
    ].join("\n");
    expect((await write(body)).status).toBe(204);
    expect((await writeV1(influxd, "same", body)).status).toBe(204);

    for (const measurement of ["cpu,load", "nl", "weird m\\x"]) {
      const stored = standIn.points(measurement);
      expect(stored).toHaveLength(1);
      const { tags, fields, timestamp } = stored[0]!;
      const numbers = Object.entries(fields).map(([key, value]) => [
        key,
        typeof value === "bigint" ? Number(value) : value,
      ]);
      const real = await influxd.query(`SELECT * FROM "${measurement.replace(/\\/g, "\\\\")}"`, "same");
      expect(rows(real)).toEqual([{ time: rfc3339(timestamp), ...tags, ...Object.fromEntries(numbers) }]);
    }
    expect(standIn.points("cpu,load")[0]?.types).toEqual({
      text: "string",
      n: "integer",
      ok: "boolean",
      off: "boolean",
      x: "float",
    });
    expect(standIn.points("nl")[0]?.fields).toEqual({ s: "line1\nline2" });
  });

  it("answers a field type conflict with 422, keeping the other points, in the real server's words", async () => {
    await write("conflict v=1 1");
    await writeV1(influxd, "same", "conflict v=1 1");
    const body = 'conflict v="text" 2\nconflict v=3 3\nconflict,k=x v=true 4';
    const answer = await write(body);
    const real = await writeV1(influxd, "same", body);

    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe("unprocessable entity");
    // InfluxDB 1.x says what was dropped; 2.x prefixes the same text.
    expect(real.status).toBe(400);
    expect(answer.body.message).toBe(`failure writing points to database: ${JSON.parse(real.text).error}`);
    expect(standIn.points("conflict").map((point) => point.fields)).toEqual([{ v: 1 }, { v: 3 }]);
    expect(rows(await influxd.query("SELECT v FROM conflict", "same")).map((row) => row["v"])).toEqual([
      1, 3,
    ]);
  });

  it("answers 503 with Retry-After while down, and counts every write request", async () => {
    const before = standIn.requests;
    standIn.setDown(true);
    const down = await write("down v=1 1");
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("1");
    standIn.setDown(false);
    expect((await write("down v=1 1")).status).toBe(204);
    expect(standIn.requests - before).toBe(2);
    expect(standIn.points("down")).toHaveLength(1);
  });
});
