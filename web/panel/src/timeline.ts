/** Where an incident sits on a timeline from `fromMs` to `toMs`, in percent (clamped to the strip). */
export function timelineSpan(
  sinceMs: number,
  untilMs: number,
  fromMs: number,
  toMs: number,
): { readonly left: number; readonly width: number } {
  const span = Math.max(1, toMs - fromMs);
  const clamp = (ms: number) => Math.min(100, Math.max(0, ((ms - fromMs) / span) * 100));
  const left = clamp(sinceMs);
  // At least half a percent, so a 15-minute incident in a year is still a visible mark.
  return { left, width: Math.max(0.5, clamp(untilMs) - left) };
}
