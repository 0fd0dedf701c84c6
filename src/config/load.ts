/**
 * Where the options come from, in order: `--config FILE`; else /data/options.json when it exists
 * (the Supervisor writes it on every start, supervisor/apps/app.py write_options); else the
 * built-in defaults, which read the virtual E450. `--mqtt` (or E450_MQTT_URL, with
 * `--mqtt-password-file`) and `--data-dir` override any of them.
 */
import { access } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { type ConfigFlags, MQTT_URL_VARIABLE } from "./cli-flags.js";
import { parseMqttUrl } from "./mqtt-url.js";
import type { E450Options, MqttBroker, OptionsSource } from "./options.js";
import { type ConfigProblem, describeProblems } from "./problems.js";
import { readPasswordFile } from "./password-file.js";
import { readOptionsDocument } from "./read-document.js";
import { resolveOptions } from "./resolve.js";
import { validateOptions } from "./validate.js";

const ADDON_OPTIONS_FILE = "/data/options.json";
const EMBEDDED_DOCUMENT = { meter: { connection: "virtual" } };
/** The app's persistent volume, kept in backups (developers.home-assistant.io docs/apps/configuration.md). */
const ADDON_DATA_DIR = "/data";
/** Relative to the working directory; .gitignore lists it. */
const PLAIN_DATA_DIR = ".data";

export interface LoadOptionsRequest extends ConfigFlags {
  /** Where the Supervisor's options file is looked for; tests point it elsewhere. */
  readonly addonOptionsFile?: string;
}

export type LoadOptionsResult =
  | { readonly ok: true; readonly options: E450Options }
  | { readonly ok: false; readonly source: OptionsSource; readonly problems: readonly ConfigProblem[] };

export async function loadOptions(request: LoadOptionsRequest = {}): Promise<LoadOptionsResult> {
  const source = await pickSource(request);
  const problems: ConfigProblem[] = [];

  // Only a run without any configuration reads the virtual meter by default: a file or the add-on's
  // options must name it (connection.ts), so a forgotten connection never yields made-up readings.
  let document: unknown = EMBEDDED_DOCUMENT;
  let unreadable = false;
  if (source.kind !== "embedded") {
    const read = await readOptionsDocument(source.file, source.kind === "file" ? "--config" : "(options)");
    if (read.ok) document = read.document;
    else {
      problems.push(read.problem);
      unreadable = true;
    }
  }

  const mqtt = await mqttOverrideOf(request);
  problems.push(...mqtt.problems);

  // An unreadable file leaves nothing to validate; otherwise every problem is reported together.
  const validated = unreadable ? null : validateOptions(document);
  if (validated !== null && !validated.ok) problems.push(...validated.problems);
  if (validated === null || !validated.ok || problems.length > 0) return { ok: false, source, problems };

  const dataDir = resolvePath(request.dataDir ?? (source.kind === "addon" ? ADDON_DATA_DIR : PLAIN_DATA_DIR));
  const options = resolveOptions(validated.options, {
    source,
    dataDir,
    ...(mqtt.broker === undefined ? {} : { mqttOverride: mqtt.broker }),
  });
  return { ok: true, options };
}

/** The broker of --mqtt or E450_MQTT_URL, with the password of --mqtt-password-file. */
async function mqttOverrideOf(
  request: LoadOptionsRequest,
): Promise<{ broker?: MqttBroker; problems: ConfigProblem[] }> {
  const from = request.mqttUrlFrom ?? "--mqtt";
  const problems: ConfigProblem[] = [];
  const parsed = request.mqttUrl === undefined ? undefined : parseMqttUrl(request.mqttUrl, from);
  if (parsed?.ok === false) problems.push(parsed.problem);
  let broker = parsed?.ok ? parsed.broker : undefined;
  if (request.mqttPasswordFile !== undefined) {
    const file = await readPasswordFile(request.mqttPasswordFile);
    if (!file.ok) problems.push(file.problem);
    if (parsed === undefined) {
      problems.push({
        path: "--mqtt-password-file",
        message: `only together with --mqtt or ${MQTT_URL_VARIABLE} (a broker in the options file takes mqtt.password)`,
      });
    } else if (broker !== undefined && file.ok) {
      if (broker.username === undefined)
        problems.push({
          path: "--mqtt-password-file",
          message: `needs a user name in the URL of ${from}, e.g. mqtt://user@host`,
        });
      else if (broker.password !== undefined)
        problems.push({
          path: "--mqtt-password-file",
          message: `the URL of ${from} holds a password too; give it only once`,
        });
      else broker = { ...broker, password: file.password };
    }
  }
  return problems.length === 0 && broker !== undefined ? { broker, problems } : { problems };
}

/** The text to print when loadOptions refused the configuration. */
export function describeLoadFailure(result: Extract<LoadOptionsResult, { ok: false }>): string {
  return describeProblems(result.source, result.problems);
}

async function pickSource(request: LoadOptionsRequest): Promise<OptionsSource> {
  if (request.configFile !== undefined) return { kind: "file", file: resolvePath(request.configFile) };
  const addonFile = request.addonOptionsFile ?? ADDON_OPTIONS_FILE;
  try {
    await access(addonFile);
    return { kind: "addon", file: addonFile };
  } catch {
    return { kind: "embedded" };
  }
}
