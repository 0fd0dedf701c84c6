import { describe, expect, it } from "vitest";
import { describeBroker, parseMqttUrl } from "../../../src/config/mqtt-url.js";

function brokerOf(url: string) {
  const result = parseMqttUrl(url);
  if (!result.ok) throw new Error(result.problem.message);
  return { ...result.broker, password: result.broker.password?.reveal() };
}

describe("parseMqttUrl", () => {
  it.each([
    ["mqtt://127.0.0.1:1883", { host: "127.0.0.1", port: 1883, tls: null }],
    ["mqtt://broker", { host: "broker", port: 1883, tls: null }],
    ["mqtts://broker", { host: "broker", port: 8883, tls: { insecure: false } }],
    ["mqtts://broker:9883/", { host: "broker", port: 9883, tls: { insecure: false } }],
    ["mqtt://[::1]:1884", { host: "::1", port: 1884, tls: null }],
    ["mqtt://e450@broker", { host: "broker", port: 1883, tls: null, username: "e450" }],
    [
      "mqtt://e450:s3cret@broker",
      { host: "broker", port: 1883, tls: null, username: "e450", password: "s3cret" },
    ],
    [
      "mqtt://us%40er:p%40ss%3Aw@broker",
      { host: "broker", port: 1883, tls: null, username: "us@er", password: "p@ss:w" },
    ],
  ])("%s", (url, expected) => {
    expect(brokerOf(url)).toEqual({ password: undefined, ...expected });
  });

  it.each([
    ["http://broker", "the scheme http:// is not supported"],
    ["broker:1883", "the scheme broker:// is not supported"],
    ["just words", "not a URL"],
    ["mqtt://broker/topic", "a path is not allowed"],
    ["mqtt://broker?x=1", "a query or fragment is not allowed"],
    ["mqtt://:pw@broker", "a password needs a user name"],
    ["mqtt://u:%E0%A4%A@broker", "the credentials are not valid percent-encoding"],
  ])("rejects %s naming --mqtt", (url, why) => {
    const result = parseMqttUrl(url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.path).toBe("--mqtt");
    expect(result.problem.message).toMatch(
      /^expected mqtt:\/\/\[user\[:password\]@\]host\[:port\] or mqtts:\/\/…, got /,
    );
    expect(result.problem.message).toContain(`(${why})`);
  });

  it("never repeats the password of a rejected URL", () => {
    const result = parseMqttUrl("mqtt://e450:hunter2@broker/path");
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it.each([
    "mqtt://user:Sec/Ret7x@host",
    "mqtt://user:Sec/Ret7x@host:1883",
    "mqtt://user:1883/Ret7x@host",
    "mqtts://user:Sec#Ret7x@host",
    "mqtt://user:Sec?Ret7x@host",
    "mqtt://user:Sec@Ret7x@host/x",
  ])("never repeats a password holding a reserved character: %s", (url) => {
    const result = parseMqttUrl(url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.message).not.toContain("Ret7x");
    expect(result.problem.message).toContain(`got "${url.split("://")[0]}://«redacted»@`);
    expect(result.problem.message).toContain('write "/" as %2F, "?" as %3F, "#" as %23 and "@" as %40');
  });

  it("reads a percent-encoded password holding reserved characters", () => {
    expect(brokerOf("mqtt://user:Sec%2FRet%237x@host").password).toBe("Sec/Ret#7x");
  });

  it("names the source it is given", () => {
    const result = parseMqttUrl("http://x", "E450_MQTT_URL");
    expect(result.ok ? null : result.problem.path).toBe("E450_MQTT_URL");
  });

  it("describes a broker for logs without its password", () => {
    const result = parseMqttUrl("mqtts://e450:hunter2@[fd00::1]");
    expect(result.ok && describeBroker(result.broker)).toBe("mqtts://e450@[fd00::1]:8883");
  });
});
