/**
 * The compressed entity stream of the websocket command `subscribe_entities` (Home Assistant core
 * websocket_api/commands.py and messages.py; home-assistant-js-websocket lib/entities.ts reads the
 * same format). The first event lists every subscribed entity under `a`; later events add (`a`),
 * remove (`r`) or change (`c`) entities, a change being `{"+": {s?, a?}, "-": {a: [names]}}` with
 * only the attributes that changed. The library's own subscribeEntities cannot narrow the
 * subscription to a few entity_ids, so this keeps the state of just the price entities.
 */
import type { EntityState } from "./price-attributes.js";
import { asRecord } from "./price-units.js";

/** Applies one event to `states`; returns the ids of the entities it added, changed or removed. */
export function applyEntitiesEvent(states: Map<string, EntityState>, event: unknown): readonly string[] {
  const message = asRecord(event);
  const touched: string[] = [];
  for (const [entityId, compressed] of Object.entries(asRecord(message["a"]))) {
    const full = asRecord(compressed);
    states.set(entityId, {
      entity_id: entityId,
      state: String(full["s"] ?? ""),
      attributes: { ...asRecord(full["a"]) },
    });
    touched.push(entityId);
  }
  for (const [entityId, diff] of Object.entries(asRecord(message["c"]))) {
    const previous = states.get(entityId);
    if (!previous) continue;
    const added = asRecord(asRecord(diff)["+"]);
    const removed = asRecord(asRecord(diff)["-"])["a"];
    const attributes: Record<string, unknown> = { ...previous.attributes, ...asRecord(added["a"]) };
    if (Array.isArray(removed)) for (const name of removed) delete attributes[String(name)];
    states.set(entityId, {
      entity_id: entityId,
      state: added["s"] === undefined ? previous.state : String(added["s"]),
      attributes,
    });
    touched.push(entityId);
  }
  const gone = message["r"];
  if (Array.isArray(gone)) {
    for (const entityId of gone.map(String)) {
      if (states.delete(entityId)) touched.push(entityId);
    }
  }
  return touched;
}
