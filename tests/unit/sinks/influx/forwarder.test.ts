/**
 * The forwarder's decisions, against a scripted endpoint and a real queue file: which lines leave the
 * queue on which answer. (tests/integration/influx/ runs the same against a real InfluxDB.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Forwarder } from "../../../../src/sinks/influx/forwarder.js";
import type { WriteEndpoint, WriteOutcome } from "../../../../src/sinks/influx/http-writer.js";
import { DurableQueue } from "../../../../src/sinks/influx/queue.js";
import { recordingLogger } from "../../../helpers/recording-logger.js";

class ScriptedEndpoint implements WriteEndpoint {
  readonly description = "a scripted endpoint";
  readonly requests: string[][] = [];
  readonly stored = new Set<string>();
  ensureCalls = 0;
  constructor(
    private answer: (lines: readonly string[]) => WriteOutcome,
    private readonly creates = false,
  ) {}
  async write(lines: readonly string[]): Promise<WriteOutcome> {
    this.requests.push([...lines]);
    const outcome = this.answer(lines);
    if (outcome.kind === "written") for (const line of lines) this.stored.add(line);
    return outcome;
  }
  ensureDatabase(): Promise<WriteOutcome> | null {
    if (!this.creates) return null;
    this.ensureCalls++;
    return Promise.resolve({ kind: "written" });
  }
  answerWith(answer: (lines: readonly string[]) => WriteOutcome) {
    this.answer = answer;
  }
}

const written = (): WriteOutcome => ({ kind: "written" });
let folder: string;
let now: number;
beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000_000;
  folder = mkdtempSync(join(tmpdir(), "e450-forwarder-"));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(folder, { recursive: true, force: true });
});

function setUp(endpoint: ScriptedEndpoint, limits = { batchLines: 4, flushMs: 1000 }) {
  const logger = recordingLogger();
  const queue = DurableQueue.open(join(folder, "q.sqlite"), logger, () => now);
  const forwarder = new Forwarder(queue, endpoint, limits, logger, { now: () => now, random: () => 0.5 });
  return { queue, forwarder, logger };
}

async function advance(ms: number) {
  now += ms;
  await vi.advanceTimersByTimeAsync(ms);
}

describe("Forwarder", () => {
  it("sends a full batch at once and a partial one when its time limit is up", async () => {
    const endpoint = new ScriptedEndpoint(written);
    const { queue, forwarder } = setUp(endpoint);
    forwarder.start();
    queue.append([["a", "b"]]);
    forwarder.notify();
    await advance(10);
    expect(endpoint.requests).toEqual([]);
    queue.append([["c", "d"]]);
    forwarder.notify();
    await advance(10);
    expect(endpoint.requests).toEqual([["a", "b", "c", "d"]]);
    queue.append([["e"]]);
    forwarder.notify();
    await advance(999);
    expect(endpoint.requests).toHaveLength(1);
    await advance(2);
    expect(endpoint.requests.at(-1)).toEqual(["e"]);
    expect(queue.current().lines).toBe(0);
    expect(forwarder.status(0)).toMatchObject({ writtenLines: 5, lastError: null, queuedLines: 0 });
    await forwarder.stop();
  });

  it("isolates a refused line by halving, parks it with the server's reason, and delivers the rest", async () => {
    const endpoint = new ScriptedEndpoint((lines) =>
      lines.includes("bad")
        ? { kind: "rejected", status: 400, reason: "partial write: field type conflict" }
        : { kind: "written" },
    );
    const { queue, forwarder, logger } = setUp(endpoint, { batchLines: 16, flushMs: 0 });
    const lines = Array.from({ length: 16 }, (_, i) => (i === 11 ? "bad" : `ok${i}`));
    queue.append([lines]);
    forwarder.start();
    await advance(10);
    expect(queue.current().lines).toBe(0);
    expect(queue.deadLetters.count).toBe(1);
    expect([...endpoint.stored].sort()).toEqual(lines.filter((line) => line !== "bad").sort());
    // 16 → 8 + 8 → 4 + 4 → 2 + 2 → 1 + 1: one request per level plus the good halves.
    expect(endpoint.requests.length).toBe(9);
    expect(logger.lines).toContainEqual(
      "warn InfluxDB refused a point (HTTP 400: partial write: field type conflict); parked it as a dead letter",
    );
    await forwarder.stop();
  });

  it("keeps everything while the server is away, backs off, and sends it all when it is back", async () => {
    let down = true;
    const endpoint = new ScriptedEndpoint(() =>
      down
        ? { kind: "unreachable", reason: "cannot reach a scripted endpoint: ECONNREFUSED" }
        : { kind: "written" },
    );
    const { queue, forwarder, logger } = setUp(endpoint, { batchLines: 2, flushMs: 0 });
    forwarder.start();
    for (let i = 0; i < 10; i++) {
      queue.append([[`p${i}`]]);
      forwarder.notify();
      await advance(1000);
    }
    // Backoff with random() = 0.5: 0.75 s, 1.5 s, 3 s, 6 s … so a few attempts in 10 s, not one per push.
    const attempts = endpoint.requests.length;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(5);
    expect(forwarder.status(0)).toMatchObject({
      queuedLines: 10,
      lastError: "cannot reach a scripted endpoint: ECONNREFUSED",
    });
    expect(logger.lines.filter((line) => line.includes("ECONNREFUSED"))).toHaveLength(1);
    down = false;
    await advance(60_000);
    expect(queue.current().lines).toBe(0);
    expect(endpoint.stored.size).toBe(10);
    expect(forwarder.status(0)).toMatchObject({ lastError: null, writtenLines: 10 });
    expect(logger.lines.at(-1)).toMatch(/InfluxDB writes work again/);
    await forwarder.stop();
  });

  it("alternates the backlog's oldest and newest batches, so live points are not starved", async () => {
    const endpoint = new ScriptedEndpoint(written);
    const { queue, forwarder } = setUp(endpoint, { batchLines: 2, flushMs: 0 });
    queue.append([
      ["o1", "o2"],
      ["m1", "m2"],
      ["m3", "m4"],
      ["n1", "n2"],
    ]);
    forwarder.start();
    await advance(10);
    expect(endpoint.requests).toEqual([
      ["o1", "o2"],
      ["n1", "n2"],
      ["m1", "m2"],
      ["m3", "m4"],
    ]);
    await forwarder.stop();
  });

  it("treats points beyond the retention policy as answered (InfluxDB dropped them on purpose)", async () => {
    const endpoint = new ScriptedEndpoint(() => ({
      kind: "rejected",
      status: 400,
      reason: "partial write: points beyond retention policy dropped=2",
    }));
    const { queue, forwarder } = setUp(endpoint, { batchLines: 4, flushMs: 0 });
    queue.append([["a", "b", "c", "d"]]);
    forwarder.start();
    await advance(10);
    expect(endpoint.requests).toHaveLength(1);
    expect(queue.current().lines).toBe(0);
    expect(queue.deadLetters.count).toBe(0);
    await forwarder.stop();
  });

  it("on a refused configuration keeps the lines, names the problem, and creates the database again after a 404", async () => {
    let refuse = true;
    const endpoint = new ScriptedEndpoint(
      () =>
        refuse
          ? {
              kind: "refused",
              status: 404,
              reason: 'database not found: "e450". Set influxdb.create_database: true',
            }
          : { kind: "written" },
      true,
    );
    const { queue, forwarder, logger } = setUp(endpoint, { batchLines: 1, flushMs: 0 });
    queue.append([["a"]]);
    forwarder.start();
    await advance(10);
    expect(endpoint.ensureCalls).toBe(1);
    expect(queue.current().lines).toBe(1);
    expect(
      logger.lines.some((line) => line.startsWith("error") && line.includes("influxdb.create_database")),
    ).toBe(true);
    refuse = false;
    await advance(5_000);
    expect(endpoint.ensureCalls).toBe(2);
    expect(queue.current().lines).toBe(0);
    await forwarder.stop();
  });
});
