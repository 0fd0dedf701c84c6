import { inspect } from "node:util";

/** What a secret looks like wherever it would otherwise be printed. */
export const REDACTED = "«redacted»";

/**
 * A value that must never reach a log (ARCHITECTURE §9): keys, passwords, tokens. Every way a value
 * gets printed by accident — template strings, JSON.stringify, console.log/util.inspect — yields
 * REDACTED; only an explicit reveal() hands out the value, so a grep for reveal() finds every use.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
