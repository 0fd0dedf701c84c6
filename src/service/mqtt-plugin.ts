/** The MQTT plugin, configured from the validated options and the resolved broker. */
import { readFile } from "node:fs/promises";
import type { E450Options, MqttBroker } from "../config/options.js";
import type { Logger } from "../logging/logger.js";
import { MqttSink } from "../sinks/mqtt/index.js";
import { VERSION } from "../version.js";

export async function mqttPluginFor(
  broker: MqttBroker,
  options: E450Options,
  logger: Logger,
): Promise<MqttSink> {
  const ca = broker.tls?.caFile ? await readFile(broker.tls.caFile, "utf8") : undefined;
  return new MqttSink(
    {
      host: broker.host,
      port: broker.port,
      ...(broker.tls ? { tls: { ...(ca ? { ca } : {}), rejectUnauthorized: !broker.tls.insecure } } : {}),
      ...(broker.username ? { username: broker.username } : {}),
      ...(broker.password ? { password: broker.password } : {}),
      ...(broker.protocolVersion === 5 ? { protocolVersion: 5 as const } : {}),
      discoveryPrefix: options.discoveryPrefix,
      baseTopic: options.baseTopic,
      meters: new Map(options.meters.map(({ id, name, area }) => [id, { name, area }])),
      dataDir: options.dataDir,
      softwareVersion: VERSION,
      publishIntervalMs: options.publishIntervalSeconds * 1000,
    },
    logger,
  );
}
