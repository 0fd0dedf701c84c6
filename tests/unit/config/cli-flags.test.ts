import { describe, expect, it } from "vitest";
import { parseCommandArgs } from "../../../src/cli/args.js";
import { CONFIG_FLAG_OPTIONS, parseConfigFlags } from "../../../src/config/cli-flags.js";

/** The flags as `e450 run` reads them: strict parsing first, then the values checked. */
function configFlags(argv: string[], environment: Record<string, string> = {}) {
  const args = parseCommandArgs("e450 run", argv, { options: CONFIG_FLAG_OPTIONS });
  return args.ok ? parseConfigFlags(args.values, environment) : args;
}

describe("config flags", () => {
  it("takes --config, --mqtt and --data-dir in both spellings", () => {
    expect(configFlags(["--config", "e450.yaml", "--mqtt=mqtt://h:1883", "--data-dir", "/tmp/x"])).toEqual({
      ok: true,
      flags: { configFile: "e450.yaml", mqttUrl: "mqtt://h:1883", dataDir: "/tmp/x" },
    });
  });

  it("takes the broker URL from E450_MQTT_URL when --mqtt is not given, and the password file", () => {
    expect(
      configFlags(["--mqtt-password-file", "/run/secrets/mqtt"], { E450_MQTT_URL: "mqtt://u@h" }),
    ).toEqual({
      ok: true,
      flags: { mqttPasswordFile: "/run/secrets/mqtt", mqttUrl: "mqtt://u@h", mqttUrlFrom: "E450_MQTT_URL" },
    });
  });

  it("prefers --mqtt to E450_MQTT_URL, and ignores an empty E450_MQTT_URL", () => {
    expect(configFlags(["--mqtt", "mqtt://a"], { E450_MQTT_URL: "mqtt://b" })).toEqual({
      ok: true,
      flags: { mqttUrl: "mqtt://a" },
    });
    expect(configFlags([], { E450_MQTT_URL: "" })).toEqual({ ok: true, flags: {} });
  });

  it("leaves out what was not given", () => {
    expect(configFlags([])).toEqual({ ok: true, flags: {} });
  });

  it("keeps a URL containing '=' whole", () => {
    const result = configFlags(["--mqtt=mqtt://u:p=q@h"]);
    expect(result.ok && "flags" in result && result.flags.mqttUrl).toBe("mqtt://u:p=q@h");
  });

  it.each([
    [["--config"], "e450 run: option --config needs a value"],
    [
      ["--mqtt", "--config", "x.yaml"],
      "e450 run: option --mqtt needs a value, but the next argument is the option --config",
    ],
    [["--config", "a.yaml", "--config", "b.yaml"], "e450 run: option --config given more than once"],
    [["--conifg", "x.yaml"], "e450 run: unknown option --conifg (did you mean --config?)"],
    [["--verbose"], "e450 run: unknown option --verbose"],
    [["extra"], 'e450 run: unexpected argument "extra" (this command takes options only)'],
  ])("refuses %j on the command line", (argv, message) => {
    expect(configFlags(argv)).toEqual({ ok: false, message });
  });

  it.each([
    [{ config: "" }, { path: "--config", message: "expected a file path after --config" }],
    [{ mqtt: " " }, { path: "--mqtt", message: "expected a URL after --mqtt" }],
    [{ "data-dir": "" }, { path: "--data-dir", message: "expected a folder path after --data-dir" }],
    [
      { "mqtt-password-file": "" },
      { path: "--mqtt-password-file", message: "expected a file path after --mqtt-password-file" },
    ],
  ])("refuses the empty value %j rather than falling back to the defaults", (values, problem) => {
    expect(parseConfigFlags(values, {})).toEqual({ ok: false, problems: [problem] });
  });

  it("refuses --data-dir= as given on the command line", () => {
    expect(configFlags(["--data-dir="])).toEqual({
      ok: false,
      problems: [{ path: "--data-dir", message: "expected a folder path after --data-dir" }],
    });
  });
});
