/**
 * The option flags every `e450` command that reads the configuration accepts. The command parses them
 * strictly together with its own flags (cli/args.ts, spreading CONFIG_FLAG_OPTIONS into its options);
 * this module checks the values and names them as loadOptions wants them.
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

/** The flags as `node:util` parseArgs options. */
export const CONFIG_FLAG_OPTIONS = {
  config: { type: "string" },
  mqtt: { type: "string" },
  "data-dir": { type: "string" },
} as const;

/** What parseArgs hands back for CONFIG_FLAG_OPTIONS. */
export type ConfigFlagValues = { readonly [Name in keyof typeof CONFIG_FLAG_OPTIONS]?: string | undefined };

const FLAG_KEYS = { config: "configFile", mqtt: "mqttUrl", "data-dir": "dataDir" } as const;
const EXPECTED = { config: "a file path", mqtt: "a URL", "data-dir": "a folder path" } as const;

export type ConfigFlagsResult =
  | { readonly ok: true; readonly flags: ConfigFlags }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Turns the parsed flag values into ConfigFlags. An empty value (`--config=`) is refused: it would
 * otherwise quietly mean "not given" and start the built-in virtual meter.
 */
export function parseConfigFlags(values: ConfigFlagValues): ConfigFlagsResult {
  const flags: { -readonly [K in keyof ConfigFlags]: string } = {};
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(FLAG_KEYS) as (keyof typeof FLAG_KEYS)[]) {
    const value = values[name];
    if (value === undefined) continue;
    if (value.trim() === "")
      problems.push({ path: `--${name}`, message: `expected ${EXPECTED[name]} after --${name}` });
    else flags[FLAG_KEYS[name]] = value;
  }
  return problems.length === 0 ? { ok: true, flags } : { ok: false, problems };
}
