/**
 * The reconnect loop every stream transport shares, with a scripted open() and fake timers: how a
 * link that stays down is reported, and a wait cut short by the subclass.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LinkState } from "../../../src/model/link-state.js";
import {
  type Connection,
  type ConnectionHandlers,
  ReconnectingTransport,
  STILL_DOWN_REMINDER_MS,
} from "../../../src/transport/reconnecting.js";

/** Each open() takes the next scripted outcome: a reason to fail with, or "ok". */
class ScriptedTransport extends ReconnectingTransport {
  readonly description = "scripted";
  readonly outcomes: string[] = [];
  opens = 0;
  handlers: ConnectionHandlers | null = null;
  retryNow: (() => void) | null = null;
  watching = false;
  pendingOpen: ((reason: string) => void) | null = null;

  protected async open(handlers: ConnectionHandlers): Promise<Connection> {
    this.opens += 1;
    this.handlers = handlers;
    const outcome = this.outcomes.shift() ?? "still failing";
    if (outcome === "hang") {
      return new Promise((_resolve, reject) => {
        this.pendingOpen = (reason) => reject(new Error(reason));
      });
    }
    if (outcome !== "ok") throw new Error(outcome);
    return { write: async () => {}, close: async () => {} };
  }

  protected override watchWhileWaiting(retryNow: () => void): () => void {
    this.retryNow = retryNow;
    this.watching = true;
    return () => {
      this.watching = false;
    };
  }
}

let transport: ScriptedTransport;
let events: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 1, 8, 0, 0) });
  transport = new ScriptedTransport({ initialMs: 1_000, maxMs: 10_000, random: () => 1 });
  events = [];
  transport.on("state", (state: LinkState, reason?: string) =>
    events.push(reason === undefined ? state : `${state}: ${reason}`),
  );
});

afterEach(async () => {
  await transport.stop();
  vi.useRealTimers();
});

describe("ReconnectingTransport", () => {
  it("reports a link that keeps failing the same way once, then every few minutes, and a new reason at once", async () => {
    transport.outcomes.push("ENOENT");
    await transport.start();
    expect(events).toEqual(["connecting", "down: ENOENT; retrying in 1.0 s"]);

    transport.outcomes.push(...Array<string>(40).fill("ENOENT"));
    await vi.advanceTimersByTimeAsync(STILL_DOWN_REMINDER_MS - 1);
    // Quiet retries: no "connecting"/"down" pair on every attempt, the link stays down.
    expect(events).toHaveLength(2);
    const attempts = transport.opens;
    expect(attempts).toBeGreaterThan(25); // 1 + 2 + 4 + 8 s, then every 10 s

    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.slice(2)).toEqual([
      `down: ENOENT; still failing after ${attempts + 1} attempts; retrying in 10.0 s`,
    ]);

    transport.outcomes.unshift("EACCES");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.slice(3)).toEqual(["down: EACCES; retrying in 10.0 s"]);

    transport.outcomes.unshift("ok");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.slice(4)).toEqual(["up"]);
  });

  it("reports a link that fell after being up even when it fails as before", async () => {
    transport.outcomes.push("refused", "ok");
    await transport.start();
    await vi.advanceTimersByTimeAsync(1_000);
    transport.handlers?.onClose("refused");
    expect(events).toEqual([
      "connecting",
      "down: refused; retrying in 1.0 s",
      "up",
      "down: refused; retrying in 2.0 s",
    ]);
  });

  it("opens at once when the subclass says the link can come back, and stops watching", async () => {
    transport = new ScriptedTransport({ initialMs: 60_000, maxMs: 60_000, random: () => 1 });
    transport.outcomes.push("no such device", "ok");
    await transport.start();
    expect(transport.watching).toBe(true);
    transport.retryNow?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.opens).toBe(2);
    expect(transport.watching).toBe(false);
    expect(vi.getTimerCount()).toBe(0); // the backoff's timer went with the wait
  });

  it("schedules no retry for an open that fails after stop()", async () => {
    transport.outcomes.push("hang");
    const starting = transport.start();
    await transport.stop();
    transport.pendingOpen?.("too late");
    await starting;
    expect(vi.getTimerCount()).toBe(0);
    expect(events).toEqual(["connecting", "stopped"]);
  });
});
