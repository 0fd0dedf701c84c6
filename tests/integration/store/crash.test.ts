/**
 * `kill -9` during writes: a child process writes one day per transaction in a loop and is killed
 * with SIGKILL at a random moment, several times over the same file. After each kill the file must
 * pass quick_check, hold only whole days with the register state matching the last interval, hold
 * every day the child reported as committed, and take the next writer's days.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../../../src/analytics/anomaly/random.js";
import type { Logger } from "../../../src/logging/logger.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import {
  BATCH,
  buildCrashWriter,
  CRASH_METER,
  expectedImport,
  FIRST_START_MS,
  QUARTER_MS,
} from "./crash-writer.js";

const ROUNDS = 5;

/** Starts the writer and kills it with SIGKILL once it has reported `commits` days; its last report. */
function runAndKill(childFolder: string, file: string, commits: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(childFolder, "child.mjs"), file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    let killing = false;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (!killing && output.split("\n").length - 1 >= commits) {
        killing = true;
        setTimeout(() => child.kill("SIGKILL"), extraMs);
      }
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      errors += chunk;
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal !== "SIGKILL") {
        reject(new Error(`the writer stopped by itself (${signal ?? _code}): ${errors}`));
        return;
      }
      // Only whole lines: a report cut by the kill was still being written after its commit.
      const reported = output.split("\n").slice(0, -1);
      resolve(Number(reported.at(-1)));
    });
  });
}

describe("history store under kill -9", () => {
  let folder: string;
  let childFolder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "e450-crash-"));
    childFolder = buildCrashWriter();
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(childFolder, { recursive: true, force: true });
  });

  it("keeps every committed day whole and in step with the register state, and keeps working", async () => {
    const file = join(folder, "history.sqlite");
    const random = seededRandom(9);
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (message) => warnings.push(message),
      error: (message) => warnings.push(message),
    };
    let previousEnd = FIRST_START_MS;

    for (let round = 0; round < ROUNDS; round++) {
      const lastReported = await runAndKill(
        childFolder,
        file,
        5 + Math.floor(random() * 20),
        Math.floor(random() * 15),
      );

      // A plain connection first: quick_check on the file as the kill left it (with its -wal).
      const raw = new Sqlite(file, { readonly: true });
      expect(raw.pragma("quick_check", { simple: true })).toBe("ok");
      raw.close();

      const store = HistoryStore.open(file, logger);
      const rows = store.intervals(CRASH_METER, FIRST_START_MS, Number.MAX_SAFE_INTEGER);
      const state = store.registerState(CRASH_METER);
      store.close();

      expect(rows.length % BATCH, "no half day").toBe(0);
      expect(rows.length).toBeGreaterThan(0);
      let total = 0;
      rows.forEach((row, i) => {
        expect(row.startMs).toBe(FIRST_START_MS + i * QUARTER_MS);
        expect(row.importKwh).toBe(expectedImport(row.startMs));
        total += row.importKwh;
      });
      const lastEnd = rows.at(-1)!.endMs;
      expect(state).toEqual({ timeMs: lastEnd, importKwh: total, exportKwh: 0, tariffs: { "1.8.1": total } });
      // Every day the writer reported had committed; at most the day in progress is missing.
      expect(lastEnd).toBeGreaterThanOrEqual(lastReported);
      expect(lastEnd).toBeLessThanOrEqual(lastReported + BATCH * QUARTER_MS);
      // Each writer continued where the previous one's last commit left off.
      expect(lastEnd).toBeGreaterThan(previousEnd);
      previousEnd = lastEnd;
    }
    expect(warnings).toEqual([]);

    const store = HistoryStore.open(file, logger);
    const next = { startMs: previousEnd, endMs: previousEnd + QUARTER_MS, importKwh: 0.5, exportKwh: 0 };
    expect(store.writeIntervals(CRASH_METER, [{ ...next, source: "live" }])).toEqual({
      written: 1,
      keptExisting: 0,
    });
    expect(store.intervalSpan(CRASH_METER)).toEqual({ firstMs: FIRST_START_MS, lastMs: next.endMs });
    store.close();
  }, 120_000);
});
