/**
 * Where the options come from, in order: `--config FILE`; else /data/options.json when it exists
 * (the Supervisor writes it on every start, supervisor/apps/app.py write_options); else the
 * built-in defaults, which read the virtual E450. `--mqtt` and `--data-dir` override any of them.
 */
import { access } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import type { ConfigFlags } from "./cli-flags.js";
import { parseMqttUrl } from "./mqtt-url.js";
import type { E450Options, MqttBroker, OptionsSource } from "./options.js";
import { type ConfigProblem, describeProblems } from "./problems.js";
import { readOptionsDocument } from "./read-document.js";
import { resolveOptions } from "./resolve.js";
import { validateOptions } from "./validate.js";

const ADDON_OPTIONS_FILE = "/data/options.json";
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

  let document: unknown = {};
  if (source.kind !== "embedded") {
    const read = await readOptionsDocument(source.file, source.kind === "file" ? "--config" : "(options)");
    if (read.ok) document = read.document;
    else problems.push(read.problem);
  }

  let mqttOverride: MqttBroker | undefined;
  if (request.mqttUrl !== undefined) {
    const parsed = parseMqttUrl(request.mqttUrl);
    if (parsed.ok) mqttOverride = parsed.broker;
    else problems.push(parsed.problem);
  }

  // An unreadable file leaves nothing to validate; otherwise every problem is reported together.
  const validated = problems.some((problem) => problem.path !== "--mqtt") ? null : validateOptions(document);
  if (validated !== null && !validated.ok) problems.push(...validated.problems);
  if (validated === null || !validated.ok || problems.length > 0) return { ok: false, source, problems };

  const dataDir = resolvePath(request.dataDir ?? (source.kind === "addon" ? ADDON_DATA_DIR : PLAIN_DATA_DIR));
  const options = resolveOptions(validated.options, {
    source,
    dataDir,
    ...(mqttOverride === undefined ? {} : { mqttOverride }),
  });
  return { ok: true, options };
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
