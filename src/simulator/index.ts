/** The virtual E450's public surface: the composition root, the CLI and the tests use only this. */
export type { FaultOptions } from "./faults.js";
export {
  type DialogueFormatSpec,
  FORMAT_NAMES,
  FORMATS,
  type FormatName,
  type FormatSpec,
  isFormatName,
  type PushFormatSpec,
} from "./formats/index.js";
export type { OutgoingFrame } from "./formats/outgoing-frame.js";
export type { MeterKeys, PushContext } from "./formats/push-context.js";
export type { EnergyRegisters, Measurements, RegisterCounters } from "./load-model.js";
export type { MeterIdentity } from "./meter-identity.js";
export {
  type RunningSimulator,
  type SimulatorOptions,
  SimulatorServer,
  startSimulator,
  validateSimulatorOptions,
} from "./server.js";
export {
  createMeterState,
  DEFAULT_SEED,
  generatePush,
  type MeterState,
  type MeterStateOptions,
  nextPush,
  type PushOptions,
  type RenderedPush,
  SIMULATOR_DEFAULT_KEYS,
} from "./virtual-meter.js";
