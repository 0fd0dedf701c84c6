/** What every page gets, and what it gives back: a function that stops its timers and streams. */
import type { Language, Translate } from "./i18n.js";
import type { LiveStream } from "./live-stream.js";

export interface PageContext {
  readonly t: Translate;
  readonly language: Language;
  /** The meter key chosen in the header; null when the server knows one meter (or none yet). */
  readonly meter: string | null;
  readonly stream: LiveStream;
}

export type Page = (root: HTMLElement, context: PageContext) => () => void;
