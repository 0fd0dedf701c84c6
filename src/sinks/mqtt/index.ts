/** The MQTT sink's public surface, for the composition root. */
export { MqttSink } from "./mqtt-sink.js";
