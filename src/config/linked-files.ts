/**
 * The files the options name — the tariff file, Home Assistant's token file and the web server's
 * password file — read once the
 * options are valid, relative to the options' folder: inside the add-on the add-on's config folder
 * (/config, from `map: addon_config`; the Supervisor's own /data/options.json is no place for a
 * user's file), standalone the folder of the `--config` file.
 */
import type { EnergyPrice, Tariff } from "../analytics/cost/types.js";
import type { OptionsSource } from "./options.js";
import type { ConfigProblem } from "./problems.js";
import type { RawOptions } from "./raw-options.js";
import { readSecretFile } from "./secret-file.js";
import type { Secret } from "../util/secret.js";
import { loadTariffFile } from "./tariff-file.js";
import { resolve as resolvePath } from "node:path";

export interface LinkedFiles {
  readonly tariff?: Tariff;
  /** The tariff file's tariffs to compare with, by name. */
  readonly tariffAlternatives: Readonly<Record<string, Tariff>>;
  readonly homeAssistantToken?: Secret<string>;
  readonly httpPassword?: Secret<string>;
  readonly problems: readonly ConfigProblem[];
}

export async function readLinkedFiles(
  raw: RawOptions,
  source: OptionsSource,
  folder: string,
  hostTimeZone: string,
): Promise<LinkedFiles> {
  const problems: ConfigProblem[] = [];
  let tariff: Tariff | undefined;
  let tariffAlternatives: Readonly<Record<string, Tariff>> = {};
  if (raw.tariff.file !== undefined) {
    const read = await loadTariffFile(raw.tariff.file, folder, raw.tariff.time_zone ?? hostTimeZone);
    if (read.ok) {
      tariff = read.tariff;
      tariffAlternatives = read.alternatives;
    } else problems.push(...read.problems);
  }
  let homeAssistantToken: Secret<string> | undefined;
  if (raw.homeassistant.token_file !== undefined) {
    const read = await readSecretFile(
      resolvePath(folder, raw.homeassistant.token_file),
      "homeassistant.token_file",
      "token",
    );
    if (read.ok) homeAssistantToken = read.secret;
    else problems.push(read.problem);
  }
  let httpPassword: Secret<string> | undefined;
  if (raw.http.password_file !== undefined) {
    const read = await readSecretFile(
      resolvePath(folder, raw.http.password_file),
      "http.password_file",
      "password",
    );
    if (read.ok) httpPassword = read.secret;
    else problems.push(read.problem);
  }
  const entity = tariff === undefined ? raw.tariff.dynamic_price_entity : firstEntityOf(tariff);
  // Inside the add-on the Supervisor's proxy reaches Home Assistant; standalone only a URL does.
  if (entity !== undefined && source.kind !== "addon" && raw.homeassistant.url === undefined) {
    problems.push({
      path: "homeassistant.url",
      message: `required outside the add-on when prices come from the Home Assistant entity ${entity}: the address of Home Assistant, with homeassistant.token`,
    });
  }
  return {
    ...(tariff === undefined ? {} : { tariff }),
    tariffAlternatives,
    ...(homeAssistantToken === undefined ? {} : { homeAssistantToken }),
    ...(httpPassword === undefined ? {} : { httpPassword }),
    problems,
  };
}

function firstEntityOf(tariff: Tariff): string | undefined {
  const entityOf = (price: EnergyPrice | undefined) =>
    price?.kind === "dynamic" && "kind" in price.series && price.series.kind === "entity"
      ? price.series.entityId
      : undefined;
  for (const version of tariff.versions) {
    const entity = entityOf(version.import) ?? entityOf(version.export);
    if (entity !== undefined) return entity;
  }
  return undefined;
}
