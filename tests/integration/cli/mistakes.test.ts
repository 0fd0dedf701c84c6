/**
 * A mistyped command line stops with exit 2 and one line naming the mistake, before anything starts:
 * `e450 run --conifg x.yaml` used to ignore the flag and read the virtual meter instead.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
/** A refusal takes well under a second; a started service would run until this kills it. */
const DEADLINE_MS = 10_000;

function e450(args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
  });
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    firstLine: result.stderr.split("\n", 1)[0],
    ms: Date.now() - started,
  };
}

describe("e450 on a mistyped command line", () => {
  it.each([
    [["run", "--conifg", "x.yaml"], "e450 run: unknown option --conifg (did you mean --config?)"],
    [["run", "--htp", "8099"], "e450 run: unknown option --htp (did you mean --http?)"],
    [["run", "x.yaml"], 'e450 run: unexpected argument "x.yaml" (this command takes options only)'],
    [["run", "--config"], "e450 run: option --config needs a value"],
  ])("%j exits 2 at once with a message and starts no meter", (args, message) => {
    const result = e450(args);
    expect(result.signal, "the command was still running: it started the service").toBeNull();
    expect(result.code).toBe(2);
    expect(result.firstLine).toBe(message);
    expect(result.stderr).toContain("usage: e450 run");
    // The service logs "e450 starting" and the virtual meter's address on stdout before it reads anything.
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/e450 starting|serving on/);
    expect(result.ms).toBeLessThan(DEADLINE_MS);
  });

  it.each([
    [["decode", "--hexx", "00"], "e450 decode: unknown option --hexx (did you mean --hex?)"],
    [["simulate", "--once=yes"], "e450 simulate: option --once takes no value"],
    [["backtest", "--inptu", "a.csv"], "e450 backtest: unknown option --inptu (did you mean --input?)"],
    [["rn"], 'e450: unknown command "rn" (did you mean run?)'],
    [["--conifg"], "e450: unknown option --conifg"],
  ])("%j exits 2 with a message", (args, message) => {
    const result = e450(args);
    expect(result.code).toBe(2);
    expect(result.firstLine).toBe(message);
  });

  it.each([["run"], ["decode"], ["simulate"], ["backtest"]])(
    "e450 %s --help still prints the usage",
    (name) => {
      const result = e450([name, "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^usage: e450 ${name}`));
    },
  );

  it("e450 --help lists the commands", () => {
    const result = e450(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}run /m);
  });
});
