import { describe, expect, it } from "vitest";
import { parseConfigFlags } from "../../../src/config/cli-flags.js";

describe("parseConfigFlags", () => {
  it("takes --config, --mqtt and --data-dir in both spellings and hands back the rest", () => {
    expect(
      parseConfigFlags([
        "--config",
        "e450.yaml",
        "--verbose",
        "--mqtt=mqtt://h:1883",
        "--data-dir",
        "/tmp/x",
        "extra",
      ]),
    ).toEqual({
      ok: true,
      flags: { configFile: "e450.yaml", mqttUrl: "mqtt://h:1883", dataDir: "/tmp/x" },
      rest: ["--verbose", "extra"],
    });
  });

  it("keeps a URL containing '=' whole", () => {
    const result = parseConfigFlags(["--mqtt=mqtt://u:p=q@h"]);
    expect(result.ok && result.flags.mqttUrl).toBe("mqtt://u:p=q@h");
  });

  it.each([
    [["--config"], { path: "--config", message: "expected a file path after --config" }],
    [["--mqtt", "--config", "x.yaml"], { path: "--mqtt", message: "expected a URL after --mqtt" }],
    [["--data-dir="], { path: "--data-dir", message: "expected a folder path after --data-dir" }],
    [["--config", "a.yaml", "--config", "b.yaml"], { path: "--config", message: "given more than once" }],
  ])("rejects %j", (argv, problem) => {
    expect(parseConfigFlags(argv)).toEqual({ ok: false, problems: [problem] });
  });
});
