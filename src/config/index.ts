/** The configuration module's public surface: what main.ts and the commands use. */
export * from "./choices.js";
export {
  CONFIG_FLAGS_USAGE,
  type ConfigFlags,
  type ConfigFlagsResult,
  parseConfigFlags,
} from "./cli-flags.js";
export {
  ADDON_DATA_DIR,
  ADDON_OPTIONS_FILE,
  describeLoadFailure,
  type LoadOptionsRequest,
  type LoadOptionsResult,
  loadOptions,
  PLAIN_DATA_DIR,
} from "./load.js";
export { describeBroker, parseMqttUrl } from "./mqtt-url.js";
export type * from "./options.js";
export { type ConfigProblem, describeProblems, formatProblem } from "./problems.js";
export {
  collectSecrets,
  createRedactor,
  REDACTED,
  type Redactor,
  redactText,
  redactUrl,
  redactValue,
} from "./redact.js";
export { Secret } from "./secret.js";
export {
  fetchSupervisorMqtt,
  resolveMqttBroker,
  SUPERVISOR_URL,
  SupervisorError,
  type SupervisorErrorCode,
  type SupervisorLookup,
} from "./supervisor.js";
export { validateOptions } from "./validate.js";
