/**
 * The shipped systemd unit (deploy/systemd/e450.service), read as systemd reads it (systemd.syntax(7):
 * `[Section]` headers, `Key=value` lines, `#` and `;` comments; a key may repeat), and its ExecStart
 * moved onto this checkout: the tests run the command line the unit runs, with the install paths
 * (/usr/bin/node, /opt/e450, /etc/e450, /var/lib/e450) swapped for this machine's.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
const UNIT_PATH = `${REPO_ROOT}/deploy/systemd/e450.service`;

/** Section → its assignments in file order. */
export type UnitFile = ReadonlyMap<string, readonly (readonly [string, string])[]>;

function parseUnit(text: string): UnitFile {
  const sections = new Map<string, [string, string][]>();
  let current: [string, string][] | undefined;
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.endsWith("\\")) throw new Error(`line ${index + 1}: continuation lines are not read here`);
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1]) {
      current = [];
      sections.set(header[1], current);
      continue;
    }
    const equals = line.indexOf("=");
    if (!current || equals < 1) throw new Error(`line ${index + 1}: not a Key=value line: ${line}`);
    current.push([line.slice(0, equals).trim(), line.slice(equals + 1).trim()]);
  }
  return sections;
}

export function readShippedUnit(): { text: string; unit: UnitFile } {
  const text = readFileSync(UNIT_PATH, "utf8");
  return { text, unit: parseUnit(text) };
}

/** Every value of `key` in [Service], in order. */
export function serviceValues(unit: UnitFile, key: string): string[] {
  return (unit.get("Service") ?? []).filter(([name]) => name === key).map(([, value]) => value);
}

/** The single value of `key` in [Service]; throws when it is missing or repeated. */
export function serviceValue(unit: UnitFile, key: string): string {
  const values = serviceValues(unit, key);
  if (values.length !== 1) throw new Error(`[Service] ${key}= appears ${values.length} times`);
  return values[0] as string;
}

/** Where this checkout stands in for each install path. */
interface LocalPaths {
  readonly node: string;
  readonly configDir: string;
  readonly stateDir: string;
}

/**
 * ExecStart as an argument vector with the install paths moved to `paths`. The unit's line uses no
 * quotes, specifiers or variables (checked here), so splitting at blanks is what systemd does with it.
 */
export function localExecStart(unit: UnitFile, paths: LocalPaths): string[] {
  const line = serviceValue(unit, "ExecStart");
  if (/["'%$\\]/.test(line)) throw new Error(`ExecStart uses quoting or specifiers: ${line}`);
  const moves: [string, string][] = [
    ["/usr/bin/node", paths.node],
    ["/opt/e450", REPO_ROOT],
    [`/etc/${serviceValue(unit, "ConfigurationDirectory")}`, paths.configDir],
    [`/var/lib/${serviceValue(unit, "StateDirectory")}`, paths.stateDir],
  ];
  return line.split(/\s+/).map((word) => {
    if (!word.startsWith("/")) return word;
    const move = moves.find(([from]) => word === from || word.startsWith(`${from}/`));
    if (!move) throw new Error(`ExecStart names ${word}, outside the install paths`);
    return move[1] + word.slice(move[0].length);
  });
}
