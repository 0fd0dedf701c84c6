/**
 * Frame-counter tracking per system title (DLMS security, Green Book §9.2.7.2.4: the invocation
 * counter of a sender only ever increases). A repeat is a duplicate, a step back a replay or a
 * meter reset, and a step of more than one counts the pushes lost in between.
 */
export type CounterVerdict =
  | { readonly kind: "first" }
  | { readonly kind: "next" }
  | { readonly kind: "gap"; readonly lost: number }
  | { readonly kind: "duplicate" }
  | { readonly kind: "replay"; readonly last: number };

/** A larger jump is a reset or a different key set, not lost pushes worth counting one by one. */
const MAX_COUNTED_GAP = 10_000;
const MAX_TRACKED_TITLES = 64;

export class FrameCounterTracker {
  private readonly last = new Map<string, number>();

  observe(systemTitle: string, counter: number): CounterVerdict {
    const last = this.last.get(systemTitle);
    if (last === undefined) {
      if (this.last.size >= MAX_TRACKED_TITLES) this.last.delete(this.last.keys().next().value!);
      this.last.set(systemTitle, counter);
      return { kind: "first" };
    }
    if (counter === last) return { kind: "duplicate" };
    if (counter < last) return { kind: "replay", last };
    this.last.set(systemTitle, counter);
    const step = counter - last;
    if (step === 1) return { kind: "next" };
    return step <= MAX_COUNTED_GAP ? { kind: "gap", lost: step - 1 } : { kind: "next" };
  }

  /** A meter that was replaced or reset starts again; forget what we knew of it. */
  forget(systemTitle: string): void {
    this.last.delete(systemTitle);
  }
}
