/**
 * Rules between the items of `meters`: names that make distinct ids (each meter's events and state
 * files are keyed by it), `behind` naming another meter without a loop, and lines: several meters
 * may share one serial device or bridge port (a wired M-Bus carrying several meters' pushes) only
 * when each says which pushes are its own (system_title or serial_number) and all read the line
 * with the same settings, since one reader serves them all.
 */
import { meterIdOf } from "./meter-names.js";
import type { ConfigProblem } from "./problems.js";

type Item = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** What identifies a connection: the serial device, or the bridge's host and port; virtual meters never clash. */
function lineOf(item: Item): string | undefined {
  if (item["connection"] === "serial") return text(item["serial_device"]);
  if (item["connection"] === "tcp")
    return `${text(item["tcp_host"])?.toLowerCase()}:${String(item["tcp_port"])}`;
  return undefined;
}

export function checkMeters(document: unknown): ConfigProblem[] {
  const meters = (document as { meters?: unknown } | null)?.meters;
  if (!Array.isArray(meters)) return [];
  const items = meters.map((item) => (typeof item === "object" && item !== null ? (item as Item) : {}));
  const problems: ConfigProblem[] = [];
  const byId = new Map<string, number>();
  const byLine = new Map<string, number[]>();
  items.forEach((item, index) => {
    const name = text(item["name"]);
    if (name !== undefined) {
      const id = meterIdOf(name);
      const first = byId.get(id);
      if (first === undefined) byId.set(id, index);
      else
        problems.push({
          path: `meters[${index}].name`,
          message: `expected a name of its own, but "${name}" is too like meters[${first}].name ("${text(items[first]?.["name"])}")`,
        });
    }
    const line = lineOf(item);
    if (line !== undefined) byLine.set(line, [...(byLine.get(line) ?? []), index]);
  });
  for (const [line, indexes] of byLine) {
    if (indexes.length > 1) problems.push(...checkSharedLine(items, line, indexes));
  }
  items.forEach((item, index) => {
    const behind = text(item["behind"]);
    if (behind === undefined) return;
    const target = byId.get(meterIdOf(behind));
    if (target === undefined) {
      const names = items.map((other) => text(other["name"])).filter((name) => name !== undefined);
      problems.push({
        path: `meters[${index}].behind`,
        message: `expected the name of another meter (${names.map((name) => `"${name}"`).join(", ")}), got "${behind}"`,
      });
    } else if (target === index || loops(items, byId, index)) {
      problems.push({
        path: `meters[${index}].behind`,
        message: `expected a meter further up the line, but "${behind}" leads back to this meter`,
      });
    }
  });
  return problems;
}

const LINE_SETTINGS = ["protocol", "baud_rate", "serial_format"] as const;
const SENDER_KEYS = ["system_title", "serial_number"] as const;

function checkSharedLine(items: readonly Item[], line: string, indexes: readonly number[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const [first, ...others] = indexes as [number, ...number[]];
  const senders = new Map<string, number>();
  for (const index of indexes) {
    const item = items[index] ?? {};
    const named = SENDER_KEYS.filter((key) => text(item[key]) !== undefined);
    if (named.length === 0) {
      problems.push({
        path: `meters[${index}].system_title`,
        message: `required: meters ${indexes.map((i) => `[${i}]`).join(", ")} share one line (${line}), so each needs the system_title or serial_number of its meter to tell its pushes apart`,
      });
    }
    for (const key of named) {
      const value = `${key}=${text(item[key])?.toUpperCase()}`;
      const earlier = senders.get(value);
      if (earlier === undefined) senders.set(value, index);
      else
        problems.push({
          path: `meters[${index}].${key}`,
          message: `expected a meter of its own, but meters[${earlier}] has the same ${key}`,
        });
    }
  }
  for (const index of others) {
    for (const key of LINE_SETTINGS) {
      const mine = items[index]?.[key];
      const theirs = items[first]?.[key];
      if (mine !== theirs) {
        problems.push({
          path: `meters[${index}].${key}`,
          message: `expected ${JSON.stringify(theirs)} like meters[${first}], which reads the same line (${line}) with one reader`,
        });
      }
    }
  }
  return problems;
}

/** Whether following `behind` from `start` comes back to it. */
function loops(items: readonly Item[], byId: ReadonlyMap<string, number>, start: number): boolean {
  const seen = new Set<number>([start]);
  let current = start;
  for (;;) {
    const behind = text(items[current]?.["behind"]);
    const next = behind === undefined ? undefined : byId.get(meterIdOf(behind));
    if (next === undefined) return false;
    if (seen.has(next)) return next === start;
    seen.add(next);
    current = next;
  }
}
