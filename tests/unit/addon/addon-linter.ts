/**
 * A Node port of what frenck/action-addon-linter (@2bd8faa8, src/lint.py) checks: its JSON schemas
 * (validated by Python jsonschema Draft7 there, by ajv here) plus the extra rules of lint.py as listed
 * in tests/fixtures/ha-schemas/SOURCE.md.
 */
import { Ajv, type ErrorObject } from "ajv";
import { readLinterSchema } from "./repo-files.js";

export interface LintReport {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * addon-config.schema.json's `services` pattern uses Python's named groups `(?P<name>…)`, which JavaScript
 * rejects ("Invalid group"); JS spells them `(?<name>…)`. Only that spelling changes.
 */
export function pythonPatternsToJs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replace(/\(\?P</g, "(?<")) as T;
}

function compile(schema: Record<string, unknown>) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Python jsonschema ignores `format` unless a FormatChecker is passed; checking them here is stricter.
  ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  ajv.addFormat("uri", (text: string) => URL.canParse(text));
  ajv.addFormat("uri-reference", (text: string) => URL.canParse(text, "http://base.invalid/"));
  return ajv.compile(pythonPatternsToJs(schema));
}

const validators = {
  config: compile(readLinterSchema("addon-config.schema.json")),
  build: compile(readLinterSchema("build.schema.json")),
  repository: compile(readLinterSchema("repository.schema.derived.json")),
  translations: compile(readLinterSchema("translations.schema.derived.json")),
};

export function schemaErrors(kind: keyof typeof validators, document: unknown): string[] {
  const validate = validators[kind];
  return validate(document) ? [] : (validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  return `${error.instancePath || "(root)"} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}

const configSchemaProperties = readLinterSchema("addon-config.schema.json")["properties"] as Record<
  string,
  { default?: unknown }
>;
const buildSchemaProperties = readLinterSchema("build.schema.json")["properties"] as Record<
  string,
  { default?: unknown }
>;

/** lint.py: "<key> should be removed, it uses a default value". */
function defaultValueErrors(
  document: Record<string, unknown>,
  properties: Record<string, { default?: unknown }>,
): string[] {
  return Object.entries(document)
    .filter(([key, value]) => {
      const property = properties[key];
      return (
        property !== undefined &&
        "default" in property &&
        JSON.stringify(property.default) === JSON.stringify(value)
      );
    })
    .map(([key]) => `'${key}' should be removed, it uses a default value`);
}

export function lintAddonConfig(config: Record<string, unknown>): LintReport {
  const errors = [...schemaErrors("config", config), ...defaultValueErrors(config, configSchemaProperties)];
  const warnings: string[] = [];
  const has = (key: string) => config[key] !== undefined;

  const deprecated = ((config["arch"] as string[] | undefined) ?? []).filter((arch) =>
    ["armhf", "armv7", "i386"].includes(arch),
  );
  for (const arch of deprecated)
    warnings.push(`arch ${arch} is no longer supported as of Home Assistant 2025.12`);
  if (has("webui") && config["ingress"] === true)
    errors.push("'webui' should be removed, Ingress is enabled");
  if (config["ingress_port"] === 0 && config["host_network"] !== true) {
    errors.push("'ingress_port' 0 (dynamic) needs host_network");
  }
  if (config["full_access"] === true) {
    warnings.push("'full_access' is set; prefer the specific hardware options");
    for (const key of ["devices", "uart", "usb", "gpio"]) {
      if (has(key)) errors.push(`'${key}' should be removed, full_access is enabled`);
    }
  }
  if (has("auto_uart")) errors.push("'auto_uart' is deprecated, use 'uart'");
  const devices = (config["devices"] as unknown[] | undefined) ?? [];
  if (devices.some((device) => String(device).includes(":")))
    errors.push("'devices' uses the deprecated a:b:rwm format");
  if (has("tmpfs") && typeof config["tmpfs"] !== "boolean") errors.push("'tmpfs' must be a boolean");
  if (config["backup"] === "cold" && (has("backup_pre") || has("backup_post"))) {
    errors.push("'backup_pre'/'backup_post' have no effect with cold backups");
  }
  if (has("watchdog"))
    errors.push("'watchdog' is obsolete. Use the native Docker HEALTHCHECK directive instead");
  if (has("codenotary")) errors.push("'codenotary' is deprecated and no longer used");
  if (config["advanced"] !== undefined) warnings.push("'advanced' is deprecated and ignored");
  const map = ((config["map"] as unknown[] | undefined) ?? []).map((entry) =>
    typeof entry === "string" ? entry.split(":")[0] : (entry as { type?: string }).type,
  );
  if (map.includes("config")) {
    warnings.push("'config' in map is deprecated, use 'homeassistant_config'");
    if (map.includes("homeassistant_config") || map.includes("addon_config")) {
      errors.push("map 'config' cannot be combined with 'homeassistant_config' or 'addon_config'");
    }
  }
  return { errors, warnings };
}

export function lintBuildConfig(build: Record<string, unknown>): LintReport {
  const errors = [...schemaErrors("build", build), ...defaultValueErrors(build, buildSchemaProperties)];
  if (build["squash"] !== undefined) errors.push("'squash' is no longer supported");
  if (build["codenotary"] !== undefined) errors.push("'codenotary' is deprecated and no longer used");
  return { errors, warnings: [] };
}
