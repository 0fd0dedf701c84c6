/** The durable queue on a real SQLite file: what goes in stays until it is settled, across reopening. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DurableQueue } from "../../../../src/sinks/influx/queue.js";
import { recordingLogger } from "../../../helpers/recording-logger.js";

const silentLogger = recordingLogger();

const folders: string[] = [];
function queueFile(): string {
  const folder = mkdtempSync(join(tmpdir(), "e450-queue-"));
  folders.push(folder);
  return join(folder, "influxdb-queue.sqlite");
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe("DurableQueue", () => {
  it("takes whole rows from either end, up to the line limit", () => {
    const queue = DurableQueue.open(queueFile(), silentLogger, () => 1000);
    queue.append([["a1", "a2"], ["b1"], ["c1", "c2", "c3"]]);
    expect(queue.current()).toEqual({ rows: 3, lines: 6, bytes: 5 + 2 + 8, oldestMs: 1000 });
    expect(queue.take(3, "oldest").map((row) => row.lines)).toEqual([["a1", "a2"], ["b1"]]);
    expect(queue.take(3, "newest").map((row) => row.lines)).toEqual([["c1", "c2", "c3"]]);
    // A row larger than the limit still goes, alone.
    expect(queue.take(1, "newest").map((row) => row.lines)).toEqual([["c1", "c2", "c3"]]);
    queue.close();
  });

  it("keeps rows and dead letters across a reopen until they are settled", () => {
    const file = queueFile();
    let now = 5000;
    const first = DurableQueue.open(file, silentLogger, () => now);
    first.append([["x"], ["y"]]);
    const [x] = first.take(1, "oldest");
    first.settle([x!.id], [{ line: "bad", status: 400, message: "field type conflict" }]);
    first.close();
    now = 9000;
    const second = DurableQueue.open(file, silentLogger, () => now);
    expect(second.current()).toEqual({ rows: 1, lines: 1, bytes: 1, oldestMs: 5000 });
    expect(second.deadLetters.count).toBe(1);
    expect(second.take(10, "oldest").map((row) => row.lines)).toEqual([["y"]]);
    second.close();
  });

  it("trims the oldest rows to the byte cap and the age cap", () => {
    let now = 0;
    const queue = DurableQueue.open(queueFile(), silentLogger, () => now);
    for (let i = 0; i < 600; i++) {
      now = i * 1000;
      queue.append([[`line-${String(i).padStart(4, "0")}`]]);
    }
    // 600 rows of 9 bytes: keep 300 × 9 bytes.
    expect(queue.trim(2700, 0)).toBe(300);
    expect(queue.current()).toMatchObject({ rows: 300, bytes: 2700, oldestMs: 300_000 });
    expect(queue.take(1, "oldest")[0]?.lines).toEqual(["line-0300"]);
    // Nothing queued before 550 s.
    expect(queue.trim(1e9, 550_000)).toBe(250);
    expect(queue.current()).toMatchObject({ rows: 50, oldestMs: 550_000 });
    queue.close();
  });
});
