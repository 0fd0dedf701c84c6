/**
 * A typed event bus: meter runtimes publish, plugins listen. One failing listener is logged and never
 * stops the others or the ingest path (ARCHITECTURE "The flow of data").
 */
export type Listener<T> = (event: T) => void;

export class EventBus<Events extends Record<string, unknown>> {
  private readonly listeners: { [K in keyof Events]?: Listener<Events[K]>[] } = {};

  constructor(private readonly onListenerError: (event: keyof Events, error: unknown) => void) {}

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const list = this.listeners[event] ?? [];
    this.listeners[event] = list;
    list.push(listener);
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    // A copy: a listener may unsubscribe (itself or another) while the event is delivered.
    for (const listener of [...(this.listeners[event] ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
