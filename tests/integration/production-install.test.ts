/**
 * INTEGRATION, ~30 s (network or a warm npm cache needed): proves the add-on image's steps without
 * Docker. Like the Dockerfile, it compiles the TypeScript, installs only the production dependencies
 * from the committed lock file with `npm ci --omit=dev` into a clean folder, and starts the CLI from
 * there — so a runtime import of a dev dependency, or a lock file `npm ci` refuses, fails here
 * before it fails an image build.
 *
 * Native modules: by default installed with --ignore-scripts (compiling takes minutes on two cores).
 * E450_TEST_NATIVE_BUILD=1 runs the image's exact install, --build-from-source, and loads the
 * native serial-port binding.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NATIVE = process.env["E450_TEST_NATIVE_BUILD"] === "1";
const INSTALL_TIMEOUT_MS = NATIVE ? 900_000 : 120_000;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, timeout: number): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

function tail(outcome: Outcome): string {
  return `${outcome.stdout}\n${outcome.stderr}`.trim().split("\n").slice(-25).join("\n");
}

/**
 * Node looks for packages in every ancestor's node_modules, so a stray /tmp/node_modules would let
 * the clean install borrow packages it lacks. Use a base folder with no node_modules above it.
 */
function isolatedBase(): string {
  const hasNodeModulesAbove = (folder: string): boolean =>
    existsSync(join(folder, "node_modules")) ||
    (dirname(folder) !== folder && hasNodeModulesAbove(dirname(folder)));
  const base = [tmpdir(), "/var/tmp", homedir()].find(
    (candidate) => existsSync(candidate) && !hasNodeModulesAbove(candidate),
  );
  if (base === undefined) throw new Error("no temporary folder without a node_modules folder above it");
  return base;
}

function expectInstalled(): void {
  expect(existsSync(join(folder, "node_modules")), "needs the npm ci step to have succeeded").toBe(true);
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(isolatedBase(), "e450-image-"));
  await copyFile(join(REPO_ROOT, "package.json"), join(folder, "package.json"));
  await copyFile(join(REPO_ROOT, "package-lock.json"), join(folder, "package-lock.json"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("the add-on image's install steps, without Docker", () => {
  it("compiles like `npm run build` in the build stage", { timeout: 120_000 }, async () => {
    const tsc = join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const outcome = await run(
      process.execPath,
      [tsc, "-p", "tsconfig.build.json", "--outDir", join(folder, "dist")],
      REPO_ROOT,
      110_000,
    );
    expect(outcome.code, `tsc failed, so the image's build stage would too:\n${tail(outcome)}`).toBe(0);
  });

  it("installs the production dependencies from the lock file with npm ci --omit=dev", {
    timeout: INSTALL_TIMEOUT_MS,
  }, async () => {
    const args = [
      "ci",
      "--omit=dev",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      NATIVE ? "--build-from-source" : "--ignore-scripts",
    ];
    const outcome = await run("npm", args, folder, INSTALL_TIMEOUT_MS - 5_000);
    expect(
      outcome.code,
      `npm ${args.join(" ")} failed, so the image build would too:\n${tail(outcome)}`,
    ).toBe(0);
    const installed = await readdir(join(folder, "node_modules"));
    for (const production of ["ajv", "yaml", "mqtt", "serialport", "temporal-polyfill"])
      expect(installed).toContain(production);
    for (const development of ["typescript", "vitest", "@biomejs", "fast-check"])
      expect(installed).not.toContain(development);
  });

  it("starts the CLI from the installed tree and prints its usage", { timeout: 30_000 }, async () => {
    expectInstalled();
    const outcome = await run(process.execPath, ["dist/src/cli.js", "--help"], folder, 25_000);
    expect(outcome.code, tail(outcome)).toBe(0);
    expect(outcome.stdout).toMatch(/^usage: e450 <command> \[options\]/);
    expect(outcome.stdout).toMatch(/^ {2}run /m);
  });

  it("loads the configuration with production dependencies only", { timeout: 30_000 }, async () => {
    expectInstalled();
    const script = `const { loadOptions } = await import("./dist/src/config/index.js");
const result = await loadOptions({ addonOptionsFile: "./no-options.json" });
process.stdout.write(JSON.stringify({ ok: result.ok, connection: result.ok && result.options.meters[0].connection }));`;
    const outcome = await run(process.execPath, ["--input-type=module", "-e", script], folder, 25_000);
    expect(outcome.code, tail(outcome)).toBe(0);
    expect(JSON.parse(outcome.stdout)).toEqual({ ok: true, connection: { kind: "virtual" } });
  });

  it.runIf(NATIVE)("built the native module and can load it", { timeout: 30_000 }, async () => {
    expectInstalled();
    const script = `require("@serialport/bindings-cpp");`;
    const outcome = await run(process.execPath, ["-e", script], folder, 25_000);
    expect(outcome.code, tail(outcome)).toBe(0);
  });
});
