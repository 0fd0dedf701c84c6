/** The MQTT sink's public surface, for the composition root. */
export type { DiagnosticsSnapshot, LinkStatus } from "./diagnostics.js";
export { LINK_STATUSES } from "./diagnostics.js";
export type { Logger } from "../../logging/logger.js";
export { MqttSink, type MqttSinkDependencies } from "./mqtt-sink.js";
export type { MqttSinkOptions, MqttTlsOptions, RevealableSecret } from "./options.js";
