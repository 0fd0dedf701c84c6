/**
 * Supervises one meter: bytes from the transport into the decoder (or, for IEC 62056-21 mode C, the
 * readout session that drives the port), snapshots through the integrity guard, everything out on
 * the bus. Decoding stays pure; this is the thin shell that gives it a clock and a port.
 */
import type { Issue } from "../model/issue.js";
import type { ModeCSession } from "../iec62056/mode-c-session.js";
import type { SessionAction } from "../iec62056/session-types.js";
import type { LinkState, SerialFormat, Transport } from "../transport/transport.js";
import type { EventBus } from "./bus.js";
import type { IntegrityGuard } from "./integrity-guard.js";
import type { Snapshot } from "../model/snapshot.js";
import type { StreamDecoder } from "../reader/stream-decoder.js";

export interface PipelineEvents extends Record<string, unknown> {
  /** A snapshot as decoded, before the guard (for the frame inspector and history). */
  decoded: Snapshot;
  /** The snapshot the guard let through: what may be published. */
  snapshot: Snapshot;
  issue: Issue;
  frame: { readonly protocol: string; readonly raw: Uint8Array; readonly at: number };
  link: { readonly state: LinkState; readonly reason?: string };
  /** Baud "auto": no valid frame for a while, so the next line setting is being tried. */
  hunt: { readonly format: SerialFormat; readonly silentMs: number };
}

/** Line settings to try in turn when the baud rate is "auto" and nothing decodes. */
export interface FormatHunt {
  readonly formats: readonly SerialFormat[];
  /** Silence (no snapshot) after which the next format is tried. */
  readonly afterMs: number;
}

const TICK_MS = 500;

export class MeterPipeline {
  private ticker: NodeJS.Timeout | null = null;
  /** When the line last carried a frame with a good checksum (or the hunt last moved on). */
  private lastGoodLineAt: number;
  private huntIndex = 0;

  constructor(
    private readonly transport: Transport,
    private readonly decoder: StreamDecoder,
    private readonly guard: IntegrityGuard,
    private readonly bus: EventBus<PipelineEvents>,
    private readonly clock: () => number = Date.now,
    private readonly session: ModeCSession | null = null,
    private readonly hunt: FormatHunt | null = null,
  ) {
    this.lastGoodLineAt = clock();
  }

  async start(): Promise<void> {
    this.transport.on("data", (chunk) => this.onData(chunk));
    this.transport.on("state", (state, reason) => this.onLinkState(state, reason));
    this.ticker = setInterval(() => this.onTick(), TICK_MS);
    await this.transport.start();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    await this.transport.stop();
  }

  private onLinkState(state: LinkState, reason?: string): void {
    if (state === "up") {
      // Bytes from before a reconnect cannot complete a frame with bytes after it.
      this.decoder.reset();
      if (this.session) this.perform(this.session.start(this.clock()));
    }
    this.bus.emit("link", reason === undefined ? { state } : { state, reason });
  }

  private onData(chunk: Uint8Array): void {
    const now = this.clock();
    if (this.session) {
      this.perform(this.session.receive(chunk, now));
      return;
    }
    for (const event of this.decoder.push(chunk, now)) {
      if (event.kind === "snapshot") this.accept(event.snapshot, now);
      else if (event.kind === "issue") this.bus.emit("issue", event.issue);
      else this.bus.emit("frame", { protocol: event.protocol, raw: event.raw, at: now });
    }
  }

  private onTick(): void {
    const now = this.clock();
    if (this.session) this.perform(this.session.tick(now));
    else
      for (const event of this.decoder.tick(now))
        if (event.kind === "issue") this.bus.emit("issue", event.issue);
    // Frames with good checksums mean the line settings are right, even when a wrong key spoils them.
    const lastFrameAt = this.decoder.stats.lastFrameAt;
    if (lastFrameAt !== null && lastFrameAt > this.lastGoodLineAt) this.lastGoodLineAt = lastFrameAt;
    if (this.hunt && now - this.lastGoodLineAt > this.hunt.afterMs) void this.nextFormat(now);
  }

  private accept(snapshot: Snapshot, now: number): void {
    this.bus.emit("decoded", snapshot);
    const { snapshot: guarded } = this.guard.check(snapshot, now);
    this.bus.emit("snapshot", guarded);
  }

  private perform(actions: readonly SessionAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case "write":
          this.transport
            .write(action.bytes)
            .catch((error: Error) =>
              this.bus.emit("issue", { code: "write-failed", message: error.message }),
            );
          break;
        case "configure":
          void this.transport.setFormat(action);
          break;
        case "snapshot":
          this.decoder.stats.framesReceived++;
          this.decoder.stats.lastFrameAt = this.clock();
          this.decoder.stats.snapshots++;
          this.accept(action.snapshot, this.clock());
          break;
        case "issue":
          this.decoder.stats.reject(action.issue.code);
          this.bus.emit("issue", action.issue);
          break;
      }
    }
  }

  private async nextFormat(now: number): Promise<void> {
    if (!this.hunt) return;
    this.lastGoodLineAt = now;
    this.huntIndex = (this.huntIndex + 1) % this.hunt.formats.length;
    const format = this.hunt.formats[this.huntIndex]!;
    this.bus.emit("hunt", { format, silentMs: this.hunt.afterMs });
    this.decoder.reset();
    await this.transport.setFormat(format);
  }
}
