/**
 * Replays a capture file (raw bytes, or hex with comments) as if a meter sent it: in chunks, with an
 * optional pause between them, then reports the link down. For bug reports and tests.
 */
import { readFile } from "node:fs/promises";
import { captureBytes } from "./capture-file.js";
import { Transport } from "./transport.js";

export interface ReplayOptions {
  readonly path: string;
  readonly chunkBytes?: number;
  readonly intervalMs?: number;
}

export class ReplayTransport extends Transport {
  readonly description: string;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ReplayOptions) {
    super();
    this.description = `replay ${options.path}`;
  }

  async start(): Promise<void> {
    const bytes = captureBytes(new Uint8Array(await readFile(this.options.path)));
    const size = this.options.chunkBytes ?? 64;
    this.emit("state", "up");
    let offset = 0;
    const step = () => {
      if (offset >= bytes.length) {
        this.timer = null;
        this.emit("state", "down", "end of the capture file");
        return;
      }
      this.emit("data", bytes.subarray(offset, offset + size));
      offset += size;
      this.timer = setTimeout(step, this.options.intervalMs ?? 0);
    };
    step();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.emit("state", "stopped");
  }

  async write(): Promise<void> {
    // A capture cannot answer: IEC 62056-21 sign-ons go nowhere.
  }
}
