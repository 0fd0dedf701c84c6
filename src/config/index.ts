/** The configuration module's public surface: what main.ts and the commands use. */
export * from "./choices.js";
export {
  CONFIG_FLAGS_USAGE,
  parseConfigFlags,
} from "./cli-flags.js";
export {
  describeLoadFailure,
  loadOptions,
} from "./load.js";
export { describeBroker } from "./mqtt-url.js";
export type * from "./options.js";
export { formatProblem } from "./problems.js";
export { createRedactor } from "./redact.js";
export { resolveMqttBroker } from "./supervisor.js";
