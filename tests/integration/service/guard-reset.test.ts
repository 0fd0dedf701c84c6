/**
 * `reset_integrity_guard`: the add-on's way to start the integrity guard afresh without a shell. The
 * option stays set until the user clears it, so each date acts exactly once, and the old state is
 * kept as a backup.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../../../src/logging/logger.js";
import { applyGuardReset, GUARD_FILE_NAME } from "../../../src/service/guard-reset.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const STATE = '{"version":1,"meters":{}}\n';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "e450-guard-reset-"));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (message) => lines.push(`DEBUG ${message}`),
    info: (message) => lines.push(`INFO ${message}`),
    warn: (message) => lines.push(`WARNING ${message}`),
    error: (message) => lines.push(`ERROR ${message}`),
  };
  return { logger, lines };
}

const backups = () => readdirSync(folder).filter((name) => name.startsWith("integrity-guard.before-reset-"));

describe("applyGuardReset", () => {
  it("does nothing without a date", () => {
    writeFileSync(join(folder, GUARD_FILE_NAME), STATE);
    const { logger, lines } = recordingLogger();
    applyGuardReset(folder, undefined, logger);
    expect(readFileSync(join(folder, GUARD_FILE_NAME), "utf8")).toBe(STATE);
    expect(readdirSync(folder)).toEqual([GUARD_FILE_NAME]);
    expect(lines).toEqual([]);
  });

  it("moves the guard's file aside once per date, keeps it as a backup and says so", () => {
    const guardFile = join(folder, GUARD_FILE_NAME);
    writeFileSync(guardFile, STATE);
    const { logger, lines } = recordingLogger();
    applyGuardReset(folder, "2026-11-20", logger, Date.UTC(2026, 10, 20, 10));

    const backup = join(folder, "integrity-guard.before-reset-2026-11-20T10-00-00-000Z.json");
    expect(existsSync(guardFile)).toBe(false);
    expect(readFileSync(backup, "utf8")).toBe(STATE);
    expect(lines).toEqual([
      `WARNING reset_integrity_guard 2026-11-20: moved ${guardFile} to ${backup}; the integrity guard starts afresh, and each energy total is published once a second reading confirms it. Clear the option now.`,
    ]);

    // The guard writes a new file; the option is still set at the next start, and must not act again.
    writeFileSync(guardFile, "new state\n");
    lines.length = 0;
    applyGuardReset(folder, "2026-11-20", logger, Date.UTC(2026, 10, 21));
    expect(readFileSync(guardFile, "utf8")).toBe("new state\n");
    expect(backups()).toHaveLength(1);
    expect(lines).toEqual([
      "INFO reset_integrity_guard: 2026-11-20 was already carried out at 2026-11-20T10:00:00.000Z; the guard keeps its totals. Clear the option, or enter a new date to reset the guard again.",
    ]);

    // A new date is a new request.
    applyGuardReset(folder, "2026-12-01", logger, Date.UTC(2026, 11, 1));
    expect(existsSync(guardFile)).toBe(false);
    expect(backups()).toHaveLength(2);
  });

  it("remembers the date even when the guard had nothing saved", () => {
    const { logger, lines } = recordingLogger();
    applyGuardReset(folder, "2026-11-20", logger);
    expect(lines).toEqual([
      `WARNING reset_integrity_guard 2026-11-20: the integrity guard had no saved totals (${join(folder, GUARD_FILE_NAME)}); it starts afresh.`,
    ]);
    writeFileSync(join(folder, GUARD_FILE_NAME), STATE);
    applyGuardReset(folder, "2026-11-20", logger);
    expect(existsSync(join(folder, GUARD_FILE_NAME))).toBe(true);
  });

  it("acts once more, rather than never, when its record is damaged", () => {
    writeFileSync(join(folder, "integrity-guard-reset.json"), "{not json");
    writeFileSync(join(folder, GUARD_FILE_NAME), STATE);
    applyGuardReset(folder, "2026-11-20", recordingLogger().logger);
    expect(existsSync(join(folder, GUARD_FILE_NAME))).toBe(false);
    expect(JSON.parse(readFileSync(join(folder, "integrity-guard-reset.json"), "utf8"))).toMatchObject({
      date: "2026-11-20",
    });
  });
});

describe("e450 run with reset_integrity_guard", () => {
  it("resets the guard before the meter starts", { timeout: 20_000 }, async () => {
    const dataDir = join(folder, "data");
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, GUARD_FILE_NAME), STATE);
    const config = join(folder, "e450-reset.yaml");
    writeFileSync(config, "meter:\n  connection: virtual\nreset_integrity_guard: 2026-11-20\n");
    const child = spawn(process.execPath, [CLI, "run", "--config", config, "--data-dir", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no reading started:\n${output}`)), 15_000);
        const timer = setInterval(() => {
          if (/reading /.test(output)) {
            clearTimeout(deadline);
            clearInterval(timer);
            resolve();
          }
        }, 50);
      });
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
    expect(output).toMatch(/WARNING reset_integrity_guard 2026-11-20: moved .*integrity-guard\.json to /);
    // The reset comes before the meter is read, so the guard never sees the old totals.
    expect(output.indexOf("reset_integrity_guard")).toBeLessThan(output.indexOf("reading "));
    expect(
      readdirSync(dataDir).filter((name) => name.startsWith("integrity-guard.before-reset-")),
    ).toHaveLength(1);
  });
});
