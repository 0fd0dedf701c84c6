/**
 * Logs decoder issues without flooding: the first of each code at once, then a count at most every
 * ten minutes. A push every 5 s with a wrong key would otherwise write 17,000 lines a day.
 */
import type { Issue } from "../model/issue.js";
import type { Logger } from "../logging/logger.js";

const REPEAT_EVERY_MS = 10 * 60_000;

export class IssueLog {
  private readonly seen = new Map<string, { lastLoggedAt: number; suppressed: number }>();

  constructor(private readonly logger: Logger) {}

  report(issue: Issue, now: number): void {
    const entry = this.seen.get(issue.code);
    if (!entry) {
      this.seen.set(issue.code, { lastLoggedAt: now, suppressed: 0 });
      this.logger.warn(`${issue.message} [${issue.code}]`);
      return;
    }
    entry.suppressed++;
    if (now - entry.lastLoggedAt >= REPEAT_EVERY_MS) {
      this.logger.warn(`${issue.message} [${issue.code}; ${entry.suppressed} more since the last report]`);
      entry.lastLoggedAt = now;
      entry.suppressed = 0;
    }
  }
}
