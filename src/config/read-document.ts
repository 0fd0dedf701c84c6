/**
 * Reads an options file: JSON when the name ends in .json (the Supervisor's /data/options.json),
 * YAML otherwise (YAML 1.2 is a superset of JSON, so either spelling works in a .yaml file).
 */
import { fileErrorReason } from "../util/file-error.js";
import { readFile } from "node:fs/promises";
import type { ConfigProblem } from "./problems.js";

export type DocumentResult =
  | { readonly ok: true; readonly document: unknown }
  | { readonly ok: false; readonly problem: ConfigProblem };

export async function readOptionsDocument(file: string, path: string): Promise<DocumentResult> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { ok: false, problem: { path, message: `cannot read ${file}: ${fileErrorReason(error)}` } };
  }
  const parsed = file.toLowerCase().endsWith(".json") ? parseJson(text) : await parseYaml(text);
  if (!parsed.ok) return { ok: false, problem: { path, message: `${file}: ${parsed.why}` } };
  const document = parsed.value ?? {};
  if (typeof document !== "object" || Array.isArray(document)) {
    return {
      ok: false,
      problem: { path, message: `${file}: expected options as name: value pairs at the top level` },
    };
  }
  return { ok: true, document };
}

type Parsed = { ok: true; value: unknown } | { ok: false; why: string };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, why: `not valid JSON (${(error as Error).message})` };
  }
}

async function parseYaml(text: string): Promise<Parsed> {
  // Loaded only for YAML: the add-on reads its options as JSON, and the parser's code costs memory.
  const { parseDocument, Scalar, visit } = await import("yaml");
  // The failsafe schema reads every scalar as text and leaves the typing to OPTIONS_SCHEMA (which
  // coerces like the Supervisor). YAML's own guessing would turn `serial_format: 8E1` into the
  // number 80 and a key of digits with one "e" into a float.
  const document = parseDocument(text, { schema: "failsafe", uniqueKeys: true });
  const [first] = document.errors;
  if (first !== undefined) {
    const position = first.linePos?.[0];
    const where = position === undefined ? "" : ` at line ${position.line}, column ${position.col}`;
    return { ok: false, why: `not valid YAML${where} (${first.code})` };
  }
  // Except null: an unquoted `meter: null` (or ~) means "not set", as in the core schema (YAML 1.2.2
  // §10.3.2), not a group named "null"; quoted, it stays the text.
  visit(document, {
    Scalar(key, node) {
      if (key !== "key" && node.type === Scalar.PLAIN && /^(?:~|null|Null|NULL)$/.test(String(node.value)))
        node.value = null;
    },
  });
  return { ok: true, value: document.toJS() };
}
