/**
 * Chooses the layout of a push body from its shape (auto), or applies the one the user named.
 * Self-describing bodies are tried first, positional profiles only when nothing names the values.
 */
import { DecodeError } from "../../model/issue.js";
import type { DlmsData } from "../axdr.js";
import { readObisPairs } from "./obis-pairs.js";
import { POSITIONAL_LAYOUTS, positionalMismatch, readPositional } from "./positional.js";
import { readPushObjectList } from "./push-object-list.js";
import type { LayoutResult } from "./register.js";

export const LAYOUT_NAMES = [
  "auto",
  "push-object-list",
  "obis-pairs",
  ...Object.keys(POSITIONAL_LAYOUTS),
] as const;

export function readLayout(body: DlmsData, requested = "auto"): LayoutResult {
  if (requested in POSITIONAL_LAYOUTS) {
    const result = readPositional(requested, body);
    if (result) return result;
    throw new DecodeError(
      "unknown-layout",
      `the push does not have the "${requested}" layout: ${positionalMismatch(requested, body)}`,
    );
  }
  if (requested === "push-object-list" || requested === "obis-pairs") {
    const result = requested === "push-object-list" ? readPushObjectList(body) : readObisPairs(body);
    if (result) return result;
    throw new DecodeError("unknown-layout", `the push does not have the "${requested}" layout`);
  }
  if (requested !== "auto") throw new DecodeError("unknown-layout", `unknown layout "${requested}"`);
  const described = readPushObjectList(body) ?? readObisPairs(body);
  if (described) return described;
  for (const name of Object.keys(POSITIONAL_LAYOUTS)) {
    const positional = readPositional(name, body);
    if (positional) return positional;
  }
  throw new DecodeError("unknown-layout", `no known push layout explains a body of ${describe(body)}`);
}

function describe(body: DlmsData): string {
  if (body.type === "structure" || body.type === "array")
    return `${body.type}(${body.items.length}) of ${[...new Set(body.items.map((item) => item.type))].join(", ")}`;
  return body.type === "octet-string"
    ? `an octet-string of ${body.bytes.length} bytes`
    : `a single ${body.type}`;
}
