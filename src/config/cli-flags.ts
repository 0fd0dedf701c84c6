/**
 * The option flags every `e450` command that reads the configuration accepts. Other arguments are
 * handed back untouched, so each command parses its own flags after these.
 */
import type { ConfigProblem } from "./problems.js";

export interface ConfigFlags {
  /** --config FILE: a YAML or JSON file with the add-on's option names. */
  readonly configFile?: string;
  /** --mqtt URL: mqtt:// or mqtts://, credentials in the URL. */
  readonly mqttUrl?: string;
  /** --data-dir DIR: where persistent state lives. */
  readonly dataDir?: string;
}

export const CONFIG_FLAGS_USAGE = `  --config FILE     options as YAML or JSON, with the add-on's option names (default: built-in virtual meter)
  --mqtt URL        broker, e.g. mqtt://user:password@127.0.0.1:1883 or mqtts://host:8883 (overrides mqtt:)
  --data-dir DIR    folder for persistent state (default: /data in the add-on, ./.data otherwise)
`;

const FLAG_NAMES = { "--config": "configFile", "--mqtt": "mqttUrl", "--data-dir": "dataDir" } as const;
const EXPECTED = { "--config": "a file path", "--mqtt": "a URL", "--data-dir": "a folder path" } as const;

export type ConfigFlagsResult =
  | { readonly ok: true; readonly flags: ConfigFlags; readonly rest: readonly string[] }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/** Accepts `--flag value` and `--flag=value`; a flag given twice is an error rather than a silent pick. */
export function parseConfigFlags(argv: readonly string[]): ConfigFlagsResult {
  const flags: { -readonly [K in keyof ConfigFlags]: string } = {};
  const rest: string[] = [];
  const problems: ConfigProblem[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? "";
    const [name, inline] = splitFlag(argument);
    if (!isConfigFlag(name)) {
      rest.push(argument);
      continue;
    }
    const value = inline ?? argv[index + 1];
    if (inline === undefined) index++;
    if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
      problems.push({ path: name, message: `expected ${EXPECTED[name]} after ${name}` });
      if (value?.startsWith("--")) index--;
      continue;
    }
    const key = FLAG_NAMES[name];
    if (flags[key] !== undefined) problems.push({ path: name, message: "given more than once" });
    flags[key] = value;
  }
  return problems.length === 0 ? { ok: true, flags, rest } : { ok: false, problems };
}

function splitFlag(argument: string): [string, string | undefined] {
  const equals = argument.indexOf("=");
  return argument.startsWith("--") && equals > 0
    ? [argument.slice(0, equals), argument.slice(equals + 1)]
    : [argument, undefined];
}

function isConfigFlag(name: string): name is keyof typeof FLAG_NAMES {
  return Object.hasOwn(FLAG_NAMES, name);
}
