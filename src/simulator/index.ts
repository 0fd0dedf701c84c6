/** The virtual E450's public surface: the composition root, the CLI and the tests use only this. */
export type { FaultOptions } from "./faults.js";
export {
  FORMAT_NAMES,
  FORMATS,
  type FormatName,
  isFormatName,
} from "./formats/index.js";
export type { MeterKeys, PushContext } from "./formats/push-context.js";
export {
  type RunningSimulator,
  startSimulator,
} from "./server.js";
export {
  createMeterState,
  generatePush,
  nextPush,
  type PushOptions,
  type RenderedPush,
  SIMULATOR_DEFAULT_KEYS,
} from "./virtual-meter.js";
