/** What every walker of one inspection shares: where layers go, the keys, what was found so far. */
import type { Keys } from "../dlms/cipher.js";
import { DecodeError } from "../model/issue.js";
import type { Annotation } from "./annotation.js";
import type { InspectProtocol } from "./types.js";

/** Facts for the summary; the first push or frame that states one sets it. */
export interface Findings {
  protocol: InspectProtocol | null;
  encrypted: boolean;
  systemTitle: string | null;
  manufacturer: string | null;
  layout: string | null;
}

export interface WalkContext {
  readonly out: Annotation;
  /** Used to decrypt, never copied into a layer, an issue or the summary. */
  readonly keys: Keys;
  readonly findings: Findings;
}

/** Sets a summary fact unless an earlier frame set it. */
export function found<K extends keyof Findings>(findings: Findings, key: K, value: Findings[K]): void {
  if (findings[key] === null || findings[key] === false) findings[key] = value;
}

/** The parse's result, or null when the decoder rejects the bytes; any other error is a bug and propagates. */
export function unlessRejected<T>(parse: () => T): T | null {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DecodeError) return null;
    throw error;
  }
}
