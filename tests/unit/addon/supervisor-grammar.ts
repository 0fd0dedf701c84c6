/**
 * The Supervisor's grammar for an option type in config.yaml's `schema:` (RE_SCHEMA_ELEMENT), in
 * JavaScript spelling, from two versions: a type that fails either one makes that Supervisor refuse
 * the add-on's options ("Unknown type").
 */

/** home-assistant/supervisor supervisor/apps/options.py @1ee90b7c (2026): negative bounds allowed. */
export const CURRENT_GRAMMAR =
  /^(?:|bool|email|url|port|device(?:\((?<filter>subsystem=[a-z]+)\))?|str(?:\((?<s_min>\d+)?,(?<s_max>\d+)?\))?|password(?:\((?<p_min>\d+)?,(?<p_max>\d+)?\))?|int(?:\((?<i_min>-?\d+)?,(?<i_max>-?\d+)?\))?|float(?:\((?<f_min>-?\d*\.?\d+)?,(?<f_max>-?\d*\.?\d+)?\))?|match\((?<match>.*)\)|list\((?<list>.+)\))\??$/;

/** supervisor/addons/options.py @03069159 (before the apps/ rename): unsigned bounds only. */
export const LEGACY_GRAMMAR =
  /^(?:|bool|email|url|port|device(?:\((?<filter>subsystem=[a-z]+)\))?|str(?:\((?<s_min>\d+)?,(?<s_max>\d+)?\))?|password(?:\((?<p_min>\d+)?,(?<p_max>\d+)?\))?|int(?:\((?<i_min>\d+)?,(?<i_max>\d+)?\))?|float(?:\((?<f_min>[\d.]+)?,(?<f_max>[\d.]+)?\))?|match\((?<match>.*)\)|list\((?<list>.+)\))\??$/;

type LeafKind =
  | "bool"
  | "email"
  | "url"
  | "port"
  | "device"
  | "str"
  | "password"
  | "int"
  | "float"
  | "match"
  | "list";

export interface Leaf {
  readonly kind: LeafKind;
  readonly optional: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly choices?: readonly string[];
}

/** Reads a leaf type the way supervisor/apps/options.py does (kind by prefix, bounds from the groups). */
export function parseLeaf(type: string): Leaf | null {
  const match = CURRENT_GRAMMAR.exec(type);
  if (match === null || type === "" || type === "?") return null;
  const groups = match.groups ?? {};
  const kind = (
    ["password", "device", "match", "email", "float", "bool", "port", "list", "str", "int", "url"] as const
  ).find((prefix) => type.startsWith(prefix));
  if (kind === undefined) return null;
  const bound = (name: "min" | "max"): number | undefined => {
    const text = groups[`${kind[0]}_${name}`];
    return text === undefined ? undefined : Number(text);
  };
  const min = bound("min");
  const max = bound("max");
  return {
    kind,
    optional: type.endsWith("?"),
    ...(min === undefined || !["int", "float", "str", "password"].includes(kind) ? {} : { min }),
    ...(max === undefined || !["int", "float", "str", "password"].includes(kind) ? {} : { max }),
    ...(groups["match"] === undefined ? {} : { pattern: groups["match"] }),
    ...(groups["list"] === undefined ? {} : { choices: groups["list"].split("|") }),
  };
}

export type SchemaTree = { readonly [key: string]: string | SchemaTree | readonly (string | SchemaTree)[] };

/** Every leaf of a config.yaml `schema:` with its dotted path; list items appear as "name[]". */
export function leaves(tree: SchemaTree, prefix = ""): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] => {
    const path = `${prefix}${key}`;
    if (typeof value === "string") return [[path, value]];
    if (Array.isArray(value)) {
      const [item] = value as readonly (string | SchemaTree)[];
      return typeof item === "string" ? [[`${path}[]`, item]] : leaves(item as SchemaTree, `${path}[].`);
    }
    return leaves(value as SchemaTree, `${path}.`);
  });
}
