/**
 * The `e450` command as a newcomer meets it (the built CLI in a child process): the version, help,
 * the simulator's example keys, and configurations that would have read the made-up virtual meter
 * or printed a password back. Needs `npm run build` first (npm test does it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIMULATOR_DEFAULT_KEYS } from "../../../src/simulator/index.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DEADLINE_MS = 15_000;

function e450(args: string[], environment: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
    env: { ...process.env, ...environment },
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** A documented command line, with `e450` / `npx e450` replaced by the built CLI, run by the shell. */
function shell(line: string) {
  const command = line.replace(/(?:npx )?\be450\b(?= )/g, `"${process.execPath}" "${CLI}"`);
  const result = spawnSync("sh", ["-c", command], { encoding: "utf8", timeout: DEADLINE_MS, cwd: ROOT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, command };
}

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "e450-commands-"));
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("e450 --version and help", () => {
  it("prints the package's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(e450(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("e450 help prints the usage and exits 0", () => {
    const result = e450(["help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: e450 <command> \[options\]/);
    expect(result.stdout).toMatch(/^ {2}simulate /m);
  });

  it.each(["run", "decode", "simulate", "backtest"])("e450 help %s prints the command's --help", (name) => {
    const help = e450(["help", name]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^usage: e450 ${name}`));
    expect(help.stdout).toBe(e450([name, "--help"]).stdout);
  });

  it("e450 help with a misspelt command names the nearest one", () => {
    const result = e450(["help", "simulte"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n", 1)[0]).toBe('e450: unknown command "simulte" (did you mean simulate?)');
  });

  it("bare e450 prints the usage, and exits 2 because no command was given", () => {
    const result = e450([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^usage: e450 <command> \[options\]/);
  });
});

describe("the simulator's example keys", () => {
  const key = Buffer.from(SIMULATOR_DEFAULT_KEYS.encryptionKey).toString("hex").toUpperCase();
  const authKey = Buffer.from(SIMULATOR_DEFAULT_KEYS.authenticationKey).toString("hex").toUpperCase();

  it("are printed by simulate --help", () => {
    const help = e450(["simulate", "--help"]).stdout;
    expect(help).toContain(key);
    expect(help).toContain(authKey);
  });

  it("decode an encrypted push with the command simulate --help shows", () => {
    const help = e450(["simulate", "--help"]).stdout;
    const example = help.split("\n").find((line) => /simulate --once --format steiermark \|/.test(line));
    expect(example, help).toBeDefined();
    const result = shell(example!.trim());
    expect(result.code, `${result.command}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/snapshot 1: meter/);
    expect(result.stdout).toMatch(/Energy import/);
  });

  it.each(["simulate --once --format steiermark |", "simulate --once --hex --format steiermark |"])(
    "decode an encrypted push with README's command line %s …",
    (start) => {
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const line = readme.split("\n").find((text) => text.includes(start));
      expect(line, `README.md has a line with ${start}`).toBeDefined();
      const result = shell(line!.replace(/\s+#.*$/, "").trim());
      expect(result.code, `${result.command}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toMatch(/Energy import|"1-0:1\.8\.0\.255"/);
    },
  );
});

describe("e450 run never reads the virtual meter unless asked", () => {
  it.each([
    ["an empty file", "run-empty.yaml", ""],
    ["meter: null", "run-null.yaml", "meter: null\n"],
    ["a meter without a connection", "run-no-connection.yaml", "meter:\n  baud_rate: auto\n"],
  ])("refuses %s, naming meter.connection, before anything starts", (_case, name, text) => {
    const file = join(folder, name);
    writeFileSync(file, text);
    const result = e450(["run", "--config", file, "--data-dir", join(folder, "data")]);
    expect(result.signal, "the command was still running: it started the service").toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `The configuration in ${file} has 1 problem:\n  - meter.connection: required: `,
    );
    expect(result.stdout).not.toMatch(/e450 starting|virtual/);
  });
});

describe("e450 run never prints a broker password back", () => {
  it.each([
    ["--mqtt", ["--mqtt", "mqtt://user:Sec/Ret7x@host"], {}],
    ["--mqtt with a port", ["--mqtt", "mqtt://user:Sec/Ret7x@host:1883"], {}],
    ["E450_MQTT_URL", [], { E450_MQTT_URL: "mqtt://user:Sec/Ret7x@host" }],
  ])("%s", (from, args, environment) => {
    const file = join(folder, "run-virtual.yaml");
    writeFileSync(file, "meter:\n  connection: virtual\n");
    const result = e450(["run", "--config", file, ...args], environment);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${from.split(" ")[0]}: expected mqtt://`);
    expect(result.stderr).toContain('got "mqtt://«redacted»@host');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/Sec|Ret7x/);
  });
});
