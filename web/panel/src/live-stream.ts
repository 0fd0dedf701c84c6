/**
 * The server's Server-Sent Events (`api/stream`): snapshot, issue, link, cost, forecast, anomalies,
 * diagnostics. EventSource reconnects by itself; while it is not open, pages fall back to polling.
 */

const STREAM_EVENTS = ["snapshot", "issue", "link", "cost", "forecast", "anomalies", "diagnostics"] as const;
export type StreamEvent = (typeof STREAM_EVENTS)[number];

type Listener = (data: unknown) => void;

export class LiveStream {
  private source: EventSource | null = null;
  private readonly listeners = new Map<StreamEvent, Set<Listener>>();
  /** The latest payload of each event, for a page opened after it arrived. */
  private readonly latest = new Map<StreamEvent, unknown>();

  start(): void {
    if (typeof EventSource === "undefined") return;
    this.source = new EventSource("api/stream");
    for (const name of STREAM_EVENTS) {
      this.source.addEventListener(name, (event) => {
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        this.latest.set(name, data);
        for (const listener of this.listeners.get(name) ?? []) listener(data);
      });
    }
  }

  get open(): boolean {
    return this.source?.readyState === EventSource.OPEN;
  }

  last(name: StreamEvent): unknown {
    return this.latest.get(name);
  }

  /** Subscribes; returns the unsubscribe function. */
  on(name: StreamEvent, listener: Listener): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }
}
