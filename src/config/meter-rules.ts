/**
 * Rules between the items of `meters`: names that make distinct ids (each meter's events and state
 * files are keyed by it), `behind` naming another meter without a loop, and one connection per
 * meter: two meters on one serial device or bridge port would fight over the line.
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
  const byLine = new Map<string, number>();
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
    if (line !== undefined) {
      const first = byLine.get(line);
      if (first === undefined) byLine.set(line, index);
      else
        problems.push({
          path: `meters[${index}].${item["connection"] === "serial" ? "serial_device" : "tcp_port"}`,
          message: `expected a connection of its own, but meters[${first}] reads the same line (${line}); one line carries one meter's pushes`,
        });
    }
  });
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
