/**
 * The set of OBIS codes a meter sends, watched for a sudden change. A meter's push list (the push
 * setup's capture objects, Blue Book class 40) or readout is fixed by its configuration; once a meter
 * has sent a few, a push with one or two codes swapped for others — `1-0:71.7.0` arriving as
 * `1-0:71.135.0` — is a corrupted frame whose checksum did not catch the damage (two errors that
 * cancel out in an M-Bus sum or an IEC 62056-21 BCC). Such a frame is untrustworthy as a whole: its
 * values may be damaged too, where no range check can see it.
 *
 * Decisions:
 * - Until a meter has sent `stableAfter` snapshots, every shape is learned as it comes.
 * - After that, a new shape is refused when it is the same size as a known one with at most two codes
 *   different, or when it brings a code outside the register table (obis/registry.ts) that this meter
 *   has never sent. Any other new shape (a second push list, the Swiss minute list next to the 5-second
 *   one, a readout line that comes and goes) is learned.
 * - A refused shape that arrives a second time is real (a corrupted frame does not repeat itself) and
 *   learned: a changed configuration costs one push, not the meter.
 */
import type { Snapshot } from "../model/snapshot.js";
import { registerInfoFor } from "../obis/registry.js";

const STABLE_AFTER = 3;
const MAX_CHANGED_CODES = 2;
/** Shapes remembered per meter; a readout with billing-period codes grows one a month. */
const MAX_SHAPES = 32;

export type ShapeVerdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

function isKnown(code: string): boolean {
  // "#10": a positional push's unlabelled value (dlms/layouts/positional.ts); its position is its name.
  return code.startsWith("#") || registerInfoFor(code) !== undefined;
}

export class ShapeWatch {
  private readonly shapes = new Map<string, ReadonlySet<string>>();
  private readonly codesSeen = new Set<string>();
  private snapshotsSeen = 0;
  private refused: string | null = null;

  constructor(private readonly stableAfter = STABLE_AFTER) {}

  observe(snapshot: Snapshot): ShapeVerdict {
    const codes = new Set(snapshot.readings.map((reading) => reading.obis));
    const signature = [...codes].sort().join(" ");
    if (this.shapes.has(signature) || this.snapshotsSeen < this.stableAfter || this.refused === signature) {
      return this.learn(signature, codes);
    }
    const why = this.suspicion(codes);
    if (why === null) return this.learn(signature, codes);
    this.refused = signature;
    return { ok: false, why };
  }

  private learn(signature: string, codes: ReadonlySet<string>): ShapeVerdict {
    this.snapshotsSeen += 1;
    if (this.refused === signature) this.refused = null;
    if (!this.shapes.has(signature)) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
      this.shapes.set(signature, codes);
      for (const code of codes) this.codesSeen.add(code);
    }
    return { ok: true };
  }

  private suspicion(codes: ReadonlySet<string>): string | null {
    for (const known of this.shapes.values()) {
      if (known.size !== codes.size) continue;
      const changed = [...codes].filter((code) => !known.has(code));
      if (changed.length > 0 && changed.length <= MAX_CHANGED_CODES) {
        const gone = [...known].filter((code) => !codes.has(code));
        return `the meter's push list changed suddenly: ${changed.join(", ")} instead of ${gone.join(", ")}`;
      }
    }
    const unknown = [...codes].filter((code) => !this.codesSeen.has(code) && !isKnown(code));
    if (unknown.length > 0) {
      return `the meter suddenly sent ${unknown.length === 1 ? "a code" : "codes"} outside the register table: ${unknown.join(", ")}`;
    }
    return null;
  }
}
