/** The `influxdb:` group: the contract's examples, every rule between its keys, and the resolved defaults. */
import { describe, expect, it } from "vitest";
import { influxFromOptions } from "../../../src/config/influx-options.js";
import { validateOptions } from "../../../src/config/validate.js";

const meter = { connection: "virtual" };

function problemsOf(influxdb: Record<string, unknown>) {
  const result = validateOptions({ meter, influxdb });
  return result.ok ? [] : result.problems;
}

function resolved(influxdb: Record<string, unknown>) {
  const result = validateOptions({ meter, influxdb });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return influxFromOptions(result.options.influxdb);
}

describe("the influxdb options group", () => {
  it("turns forwarding on with the issue's version 1 example, with the documented defaults", () => {
    const options = resolved({
      url: "http://127.0.0.1:8086",
      version: 1,
      database: "e450",
      username: "e450",
      password: "secret",
    });
    expect(options).not.toBeNull();
    expect(options?.target).toMatchObject({
      version: 1,
      database: "e450",
      username: "e450",
      createDatabase: false,
    });
    expect(options?.target.version === 1 && options.target.password?.reveal()).toBe("secret");
    expect(options).toMatchObject({
      url: "http://127.0.0.1:8086",
      gzip: true,
      precision: "s",
      totalsIntervalSeconds: 0,
      fastIntervalSeconds: 10,
      batchLines: 5000,
      flushMs: 1000,
      maxQueueBytes: 500_000_000,
      maxQueueAgeMs: 30 * 86_400_000,
    });
    expect([...(options?.measurements ?? [])]).toEqual([
      "energy",
      "power",
      "phase",
      "grid",
      "registers",
      "intervals",
      "costs",
      "anomalies",
      "forecasts",
      "link",
    ]);
  });

  it("takes org, bucket and token for version 2", () => {
    const options = resolved({
      url: "https://influx.example:8086",
      version: 2,
      org: "home",
      bucket: "e450",
      token: "t0k",
    });
    expect(options?.target).toMatchObject({ version: 2, org: "home", bucket: "e450" });
    expect(options?.target.version === 2 && options.target.token.reveal()).toBe("t0k");
  });

  it("is off without a url, and with enabled: false", () => {
    expect(resolved({})).toBeNull();
    expect(resolved({ enabled: false, url: "http://127.0.0.1:8086", database: "e450" })).toBeNull();
  });

  it("writes only the measurements listed", () => {
    const options = resolved({
      url: "http://127.0.0.1:8086",
      database: "e450",
      measurements: ["energy", "costs"],
    });
    expect([...(options?.measurements ?? [])]).toEqual(["energy", "costs"]);
  });

  it("names each missing key of the version", () => {
    expect(problemsOf({ url: "http://127.0.0.1:8086" })).toEqual([
      { path: "influxdb.database", message: "required for InfluxDB 1 (influxdb.version: 1)" },
    ]);
    expect(problemsOf({ url: "http://127.0.0.1:8086", version: 2, bucket: "b" })).toEqual([
      { path: "influxdb.org", message: "required for InfluxDB 2 (influxdb.version: 2)" },
      { path: "influxdb.token", message: "required for InfluxDB 2 (influxdb.version: 2)" },
    ]);
  });

  it("refuses the other version's keys, naming what this version takes", () => {
    expect(
      problemsOf({ url: "http://h:8086", version: 2, org: "o", bucket: "b", token: "t", database: "d" }),
    ).toEqual([
      {
        path: "influxdb.database",
        message: "not for InfluxDB 2: version 2 takes influxdb.org, influxdb.bucket, influxdb.token",
      },
    ]);
    expect(problemsOf({ url: "http://h:8086", database: "d", token: "t" })).toEqual([
      {
        path: "influxdb.token",
        message:
          "not for InfluxDB 1: version 1 takes influxdb.database, influxdb.username, influxdb.password",
      },
    ]);
  });

  it("wants username and password together, and a url with any server key", () => {
    expect(problemsOf({ url: "http://h:8086", database: "d", username: "u" })).toEqual([
      { path: "influxdb.password", message: "required: influxdb.username and influxdb.password go together" },
    ]);
    expect(problemsOf({ database: "d" })).toEqual([
      {
        path: "influxdb.url",
        message:
          "required with influxdb.database: the server's address, such as http://a0d7b954-influxdb:8086",
      },
    ]);
  });

  it("names a wrong value without echoing a secret", () => {
    const problems = problemsOf({
      url: "influx:8086",
      version: 3,
      database: "d",
      password: "hunter2",
      username: "u",
      measurements: ["power", "watts"],
    });
    const text = JSON.stringify(problems);
    expect(text).not.toContain("hunter2");
    expect(problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(["influxdb.url", "influxdb.version", "influxdb.measurements[1]"]),
    );
  });
});
