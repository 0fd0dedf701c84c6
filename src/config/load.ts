/**
 * Where the options come from, in order: `--config FILE`; else /data/options.json when it exists
 * (the Supervisor writes it on every start, supervisor/apps/app.py write_options); else the
 * built-in defaults, which read the virtual E450. `--mqtt` (or E450_MQTT_URL, with
 * `--mqtt-password-file`) and `--data-dir` override any of them.
 */
import { access } from "node:fs/promises";
import { dirname, resolve as resolvePath } from "node:path";
import { hostTimeZone } from "../time/zoned.js";
import { type ConfigFlags, MQTT_URL_VARIABLE } from "./cli-flags.js";
import { checkHttpServer, type HttpListen } from "./http-server.js";
import { readLinkedFiles } from "./linked-files.js";
import { parseMqttUrl } from "./mqtt-url.js";
import type { E450Options, MqttBroker, OptionsSource } from "./options.js";
import { type ConfigProblem, describeProblems } from "./problems.js";
import { readSecretFile } from "./secret-file.js";
import { readOptionsDocument } from "./read-document.js";
import { resolveOptions } from "./resolve.js";
import { validateOptions } from "./validate.js";

const ADDON_OPTIONS_FILE = "/data/options.json";
const EMBEDDED_DOCUMENT = { meter: { connection: "virtual" } };
/** The app's persistent volume, kept in backups (developers.home-assistant.io docs/apps/configuration.md). */
const ADDON_DATA_DIR = "/data";
/** Relative to the working directory; .gitignore lists it. */
const PLAIN_DATA_DIR = ".data";
/** The add-on's own config folder (`map: addon_config`), where users put the tariff file. */
const ADDON_CONFIG_DIR = "/config";

export interface LoadOptionsRequest extends ConfigFlags {
  /** Where the Supervisor's options file is looked for; tests point it elsewhere. */
  readonly addonOptionsFile?: string;
  /** Where files named by the add-on's options are looked for; tests point it elsewhere. */
  readonly addonConfigDir?: string;
  /** `e450 run --http`: where the web panel listens. */
  readonly http?: HttpListen;
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
  if (validated === null || !validated.ok) return { ok: false, source, problems };

  // Files the options name (tariff.file, homeassistant.token_file) are read once the options are valid.
  const zone = hostTimeZone();
  const linked = await readLinkedFiles(validated.options, source, linkedFolder(source, request), zone);
  problems.push(...linked.problems);
  const hasPassword = linked.httpPassword !== undefined || validated.options.http.password !== undefined;
  problems.push(...checkHttpServer(request.http, hasPassword));
  if (problems.length > 0) return { ok: false, source, problems };

  const dataDir = resolvePath(request.dataDir ?? (source.kind === "addon" ? ADDON_DATA_DIR : PLAIN_DATA_DIR));
  const options = resolveOptions(validated.options, {
    source,
    dataDir,
    hostTimeZone: zone,
    ...(mqtt.broker === undefined ? {} : { mqttOverride: mqtt.broker }),
    ...(linked.tariff === undefined ? {} : { tariffFromFile: linked.tariff }),
    tariffAlternatives: linked.tariffAlternatives,
    ...(linked.homeAssistantToken === undefined ? {} : { homeAssistantToken: linked.homeAssistantToken }),
    ...(linked.httpPassword === undefined ? {} : { httpPassword: linked.httpPassword }),
    ...(request.http === undefined ? {} : { httpListen: request.http }),
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
    const file = await readSecretFile(request.mqttPasswordFile, "--mqtt-password-file", "password");
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
      else broker = { ...broker, password: file.secret };
    }
  }
  return problems.length === 0 && broker !== undefined ? { broker, problems } : { problems };
}

/** The text to print when loadOptions refused the configuration. */
export function describeLoadFailure(result: Extract<LoadOptionsResult, { ok: false }>): string {
  return describeProblems(result.source, result.problems);
}

/** Relative paths in the options: the add-on's config folder, or the folder of the options file. */
function linkedFolder(source: OptionsSource, request: LoadOptionsRequest): string {
  switch (source.kind) {
    case "addon":
      return request.addonConfigDir ?? ADDON_CONFIG_DIR;
    case "file":
      return dirname(source.file);
    case "embedded":
      return process.cwd();
  }
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
