/**
 * What the several-meters tests read from the broker: every message with the time it arrived, the
 * retained device configs a Home Assistant that connects now would get, and from those configs which
 * device is which meter, where its states and availability go, and whether any two entities clash.
 * Everything is read from the discovery payloads themselves, not from how e450 builds its topics.
 */
import { connectAsync, type MqttClient } from "mqtt";
import { waitUntil } from "../mqtt/mosquitto.js";

export interface Arrival {
  readonly topic: string;
  readonly payload: string;
  readonly retain: boolean;
  /** Wall time (ms) the message reached this client. */
  readonly at: number;
}

/** Records every message under `#` with its arrival time. */
export class TimedLog {
  readonly messages: Arrival[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString("utf8"), retain: packet.retain, at: Date.now() });
    });
  }

  static async connect(url: string): Promise<TimedLog> {
    const client = await connectAsync(url, { clientId: `e450-test-${Math.random().toString(16).slice(2)}` });
    const log = new TimedLog(client);
    await client.subscribeAsync("#", { qos: 1 });
    return log;
  }

  on(topic: string): Arrival[] {
    return this.messages.filter((message) => message.topic === topic);
  }

  last(topic: string): Arrival | undefined {
    return this.on(topic).at(-1);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

interface Component {
  readonly platform: string;
  readonly unique_id?: string;
  readonly default_entity_id?: string;
  readonly state_topic?: string;
}

interface DevicePayload {
  readonly device: { readonly identifiers: readonly string[]; readonly name: string } & Record<
    string,
    unknown
  >;
  readonly availability?: readonly { readonly topic: string }[];
  readonly components: Readonly<Record<string, Component>>;
}

export interface DeviceConfig {
  readonly topic: string;
  readonly objectId: string;
  readonly payload: DevicePayload;
}

/**
 * The retained device configs under `<prefix>/device/+/config`, exactly: a new client subscribes to
 * them and to a marker topic of its own, then sends the marker; the broker queues the retained
 * messages at subscription and delivers in order, so they all arrive before the marker. The marker
 * stays out of the discovery prefix, where it would look like a device. An empty retained payload (a
 * removed device) is left out.
 */
export async function retainedDeviceConfigs(url: string, prefix: string): Promise<DeviceConfig[]> {
  const client = await connectAsync(url, { clientId: `e450-late-${Math.random().toString(16).slice(2)}` });
  const marker = `e450-test/marker/${Math.random().toString(16).slice(2)}`;
  const received: { topic: string; payload: string; retain: boolean }[] = [];
  client.on("message", (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString("utf8"), retain: packet.retain }),
  );
  try {
    await client.subscribeAsync([`${prefix}/device/+/config`, marker], { qos: 1 });
    await client.publishAsync(marker, "end", { qos: 1 });
    await waitUntil(() => received.some((m) => m.topic === marker), 5_000, "the marker");
  } finally {
    await client.endAsync(true);
  }
  return received
    .slice(
      0,
      received.findIndex((m) => m.topic === marker),
    )
    .filter((m) => m.retain && m.payload !== "")
    .map((m) => ({
      topic: m.topic,
      objectId: m.topic.split("/").at(-2)!,
      payload: JSON.parse(m.payload) as DevicePayload,
    }));
}

/** The newest config per device topic as the log received them (for waiting; assert on the retained). */
export function latestDeviceConfigs(log: TimedLog, prefix: string): DeviceConfig[] {
  const latest = new Map<string, string>();
  const pattern = new RegExp(`^${prefix}/device/([^/]+)/config$`);
  for (const message of log.messages)
    if (pattern.test(message.topic)) latest.set(message.topic, message.payload);
  return [...latest]
    .filter(([, payload]) => payload !== "")
    .map(([topic, payload]) => ({
      topic,
      objectId: pattern.exec(topic)![1]!,
      payload: JSON.parse(payload) as DevicePayload,
    }));
}

/** The configs whose device names the meter (by serial number or system title) anywhere in its info. */
export function devicesOf(configs: readonly DeviceConfig[], marks: readonly string[]): DeviceConfig[] {
  return configs.filter((config) => {
    const device = JSON.stringify(config.payload.device).toLowerCase();
    return marks.some((mark) => device.includes(mark.toLowerCase()));
  });
}

/** Where a device's availability goes besides the add-on's own status: the meter's own topics. */
export function meterAvailabilityTopics(config: DeviceConfig, bridgeStatus: string): string[] {
  return (config.payload.availability ?? []).map((a) => a.topic).filter((topic) => topic !== bridgeStatus);
}

export function stateTopic(config: DeviceConfig, component: string): string {
  const topic = config.payload.components[component]?.state_topic;
  if (topic === undefined) {
    const known = Object.keys(config.payload.components).join(", ");
    throw new Error(`${config.objectId} has no ${component} with a state topic (it has ${known})`);
  }
  return topic;
}

/** Components still announced (a removed one is `{"platform": …}` only, without a unique_id). */
export function liveComponents(config: DeviceConfig): [string, Component][] {
  return Object.entries(config.payload.components).filter(([, component]) => component.unique_id);
}

/**
 * Every id Home Assistant requires to be unique that two entities or devices share: unique_id (per
 * platform, but e450 keeps them unique overall), default_entity_id (the entity id HA suggests; a
 * clash gets "_2"), the discovery object id and the device identifiers. Each as "kind value ×count".
 */
export function idClashes(configs: readonly DeviceConfig[]): string[] {
  const seen = new Map<string, number>();
  const count = (kind: string, value: string | undefined) => {
    if (value === undefined) return;
    const key = `${kind} ${value}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  };
  for (const config of configs) {
    count("object_id", config.objectId);
    for (const identifier of config.payload.device.identifiers) count("device identifier", identifier);
    for (const [, component] of liveComponents(config)) {
      count("unique_id", component.unique_id);
      count("default_entity_id", component.default_entity_id);
    }
  }
  return [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key} ×${n}`);
}
