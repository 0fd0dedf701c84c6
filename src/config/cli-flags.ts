/**
 * The option flags every `e450` command that reads the configuration accepts. The command parses them
 * strictly together with its own flags (cli/args.ts, spreading CONFIG_FLAG_OPTIONS into its options);
 * this module checks the values and names them as loadOptions wants them.
 */
import type { ConfigProblem } from "./problems.js";

/**
 * The broker URL from the environment, for when --mqtt would show a password to every user of the
 * machine: a process's arguments are world-readable (/proc/PID/cmdline), its environment only to its
 * owner (/proc/PID/environ, proc(5)).
 */
export const MQTT_URL_VARIABLE = "E450_MQTT_URL";

export interface ConfigFlags {
  /** --config FILE: a YAML or JSON file with the add-on's option names. */
  readonly configFile?: string;
  /** --mqtt URL (or E450_MQTT_URL): mqtt:// or mqtts://, credentials in the URL. */
  readonly mqttUrl?: string;
  /** Where mqttUrl came from, to name it in a problem; "--mqtt" when absent. */
  readonly mqttUrlFrom?: "--mqtt" | typeof MQTT_URL_VARIABLE;
  /** --mqtt-password-file FILE: the password of the user in mqttUrl. */
  readonly mqttPasswordFile?: string;
  /** --data-dir DIR: where persistent state lives. */
  readonly dataDir?: string;
}

export const CONFIG_FLAGS_USAGE = `  --config FILE     options as YAML or JSON, with the add-on's option names (default: built-in virtual meter)
  --mqtt URL        broker, e.g. mqtt://user@127.0.0.1:1883 or mqtts://host:8883 (overrides mqtt:);
                    without --mqtt, the URL in $${MQTT_URL_VARIABLE} is used
  --mqtt-password-file FILE
                    the password of the user in the broker URL, read from FILE, so that it appears
                    neither in the process list nor in the shell history
  --data-dir DIR    folder for persistent state (default: /data in the add-on, ./.data otherwise)
`;

/** The flags as `node:util` parseArgs options. */
export const CONFIG_FLAG_OPTIONS = {
  config: { type: "string" },
  mqtt: { type: "string" },
  "mqtt-password-file": { type: "string" },
  "data-dir": { type: "string" },
} as const;

/** What parseArgs hands back for CONFIG_FLAG_OPTIONS. */
export type ConfigFlagValues = { readonly [Name in keyof typeof CONFIG_FLAG_OPTIONS]?: string | undefined };

const FLAG_KEYS = {
  config: "configFile",
  mqtt: "mqttUrl",
  "mqtt-password-file": "mqttPasswordFile",
  "data-dir": "dataDir",
} as const;
const EXPECTED = {
  config: "a file path",
  mqtt: "a URL",
  "mqtt-password-file": "a file path",
  "data-dir": "a folder path",
} as const;

export type ConfigFlagsResult =
  | { readonly ok: true; readonly flags: ConfigFlags }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

/**
 * Turns the parsed flag values into ConfigFlags. An empty value (`--config=`) is refused: it would
 * otherwise quietly mean "not given" and start the built-in virtual meter. An empty E450_MQTT_URL
 * counts as unset, as shells and container runtimes pass unset variables on as empty ones.
 */
export function parseConfigFlags(
  values: ConfigFlagValues,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): ConfigFlagsResult {
  const flags: { -readonly [K in keyof ConfigFlags]: ConfigFlags[K] } = {};
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(FLAG_KEYS) as (keyof typeof FLAG_KEYS)[]) {
    const value = values[name];
    if (value === undefined) continue;
    if (value.trim() === "")
      problems.push({ path: `--${name}`, message: `expected ${EXPECTED[name]} after --${name}` });
    else flags[FLAG_KEYS[name]] = value;
  }
  const fromEnvironment = environment[MQTT_URL_VARIABLE];
  if (values.mqtt === undefined && fromEnvironment !== undefined && fromEnvironment.trim() !== "") {
    flags.mqttUrl = fromEnvironment;
    flags.mqttUrlFrom = MQTT_URL_VARIABLE;
  }
  return problems.length === 0 ? { ok: true, flags } : { ok: false, problems };
}
