/**
 * Reconnect delays: doubling from `initialMs` up to `maxMs`, with "equal jitter" (half fixed, half
 * random) so that many clients restarted with one broker do not reconnect in lockstep, while a delay
 * never drops below half its step.
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export function reconnectDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random) {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (random() * step) / 2);
}
