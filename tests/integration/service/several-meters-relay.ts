/**
 * A TCP relay between a simulated meter and e450 that notes when each push reached e450, so a test
 * can hold the time from frame to MQTT publish against a bound: the delay the isolation rule
 * is about ("one meter never delays another"). Both directions pass unchanged; when either side
 * closes, so does the other, so e450 sees a meter that dies as it would without the relay.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** Bytes closer together than this belong to one push (its frames arrive within milliseconds). */
const SAME_PUSH_MS = 200;

export class TimingRelay {
  /** Wall time (ms) at which each push began to reach e450, in order. */
  readonly pushes: number[] = [];
  private lastChunkAt = Number.NEGATIVE_INFINITY;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly upstreamPort: number,
  ) {}

  static async start(upstreamPort: number): Promise<TimingRelay> {
    const server = createServer();
    const relay = new TimingRelay(server, upstreamPort);
    server.on("connection", (socket) => relay.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return relay;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(downstream: Socket): void {
    const upstream = createConnection({ host: "127.0.0.1", port: this.upstreamPort });
    for (const socket of [downstream, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        this.sockets.delete(socket);
        downstream.destroy();
        upstream.destroy();
      });
    }
    upstream.on("data", (chunk: Buffer) => {
      const now = Date.now();
      if (now - this.lastChunkAt > SAME_PUSH_MS) this.pushes.push(now);
      this.lastChunkAt = now;
      downstream.write(chunk);
    });
    downstream.on("data", (chunk: Buffer) => upstream.write(chunk));
  }
}

/**
 * For each push that reached e450 in [from, to], the time until its state was published: the first
 * publication at or after it that no earlier push has claimed. A push e450 dropped claims the next
 * push's publication and shows as a delay of a whole push interval; one never published, as Infinity.
 * `from` must lie after e450's first publication: the first push is held back by design (it is
 * published once a second push confirms the meter's identity), and must not claim the second's.
 */
export function publishDelays(
  pushes: readonly number[],
  publications: readonly number[],
  from: number,
  to: number,
): number[] {
  const delays: number[] = [];
  let next = 0;
  for (const push of pushes) {
    if (push < from || push > to) continue;
    while (next < publications.length && publications[next]! < push) next++;
    const published = publications[next];
    delays.push(published === undefined ? Number.POSITIVE_INFINITY : published - push);
    next++;
  }
  return delays;
}
