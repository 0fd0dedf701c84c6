/**
 * Home Assistant's rules for a device discovery payload, checked from the copied rule tables in
 * tests/fixtures/ha-schemas/mqtt-discovery (never from ../shared at run time). Returns every problem
 * found, so a failing test names them all.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIXTURES = new URL("../../../fixtures/ha-schemas/mqtt-discovery/", import.meta.url);

interface ClassRule {
  readonly units: readonly (string | null)[] | null;
  readonly state_classes: readonly string[];
}

interface SensorRules {
  readonly state_classes: readonly string[];
  readonly non_numeric_device_classes: readonly string[];
  readonly device_classes: Readonly<Record<string, ClassRule>>;
}

interface AbbreviationTables {
  readonly ABBREVIATIONS: Readonly<Record<string, string>>;
  readonly DEVICE_ABBREVIATIONS: Readonly<Record<string, string>>;
  readonly ORIGIN_ABBREVIATIONS: Readonly<Record<string, string>>;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(name, FIXTURES)), "utf8")) as T;
}

const SENSOR_RULES = readFixture<SensorRules>("sensor_device_classes.json");
const ABBREVIATION_TABLES = readFixture<AbbreviationTables>("abbreviations.json");

/** Full option names HA knows: the abbreviation tables' values. */
const ENTITY_KEYS = new Set(Object.values(ABBREVIATION_TABLES.ABBREVIATIONS));
// `qos` has no abbreviation, so it is not in the table's values, yet it is an option of every MQTT
// entity and a shared option of device discovery (mqtt/discovery.py _merge_common_device_options).
ENTITY_KEYS.add("qos");
const DEVICE_KEYS = new Set(Object.values(ABBREVIATION_TABLES.DEVICE_ABBREVIATIONS));
// `via_device` has no abbreviation either; it is in MQTT's device info schema (CONF_VIA_DEVICE).
DEVICE_KEYS.add("via_device");
const ORIGIN_KEYS = new Set(Object.values(ABBREVIATION_TABLES.ORIGIN_ABBREVIATIONS));

const TOPIC_LEVEL = "[a-zA-Z0-9_-]+";

function unknownKeys(object: Record<string, unknown>, known: ReadonlySet<string>): string[] {
  return Object.keys(object).filter((key) => !known.has(key));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Binary sensor device classes: BinarySensorDeviceClass in homeassistant/components/binary_sensor/
 * __init__.py (the MQTT binary_sensor validates device_class against it).
 */
const BINARY_SENSOR_DEVICE_CLASSES = new Set([
  "battery",
  "battery_charging",
  "carbon_monoxide",
  "cold",
  "connectivity",
  "door",
  "garage_door",
  "gas",
  "heat",
  "light",
  "lock",
  "moisture",
  "motion",
  "moving",
  "occupancy",
  "opening",
  "plug",
  "power",
  "presence",
  "problem",
  "running",
  "safety",
  "smoke",
  "sound",
  "tamper",
  "update",
  "vibration",
  "window",
]);
/** EventDeviceClass in homeassistant/components/event/__init__.py. */
const EVENT_DEVICE_CLASSES = new Set(["button", "doorbell", "motion"]);
/** Options only the sensor platform has (mqtt/sensor.py _PLATFORM_SCHEMA_BASE). */
const SENSOR_ONLY_OPTIONS = [
  "state_class",
  "unit_of_measurement",
  "suggested_display_precision",
  "last_reset_value_template",
  "options",
];
/** monetary has no unit list: its unit is an ISO 4217 code (sensor_device_classes.json units_note). */
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Checks every component shares: identity, name, topics, category. */
function commonProblems(
  at: string,
  platform: string,
  config: Record<string, unknown>,
  seenUniqueIds: Set<string>,
): string[] {
  const problems: string[] = [];
  if ("object_id" in config) problems.push(`${at}: object_id stopped working in HA 2026.4`);
  const uniqueId = config["unique_id"];
  if (typeof uniqueId !== "string" || uniqueId === "") problems.push(`${at}: unique_id missing`);
  else if (seenUniqueIds.has(uniqueId)) problems.push(`${at}: unique_id ${uniqueId} repeated`);
  else seenUniqueIds.add(uniqueId);
  const entityId = config["default_entity_id"];
  if (typeof entityId !== "string" || !new RegExp(`^${platform}\\.[a-z0-9_]+$`).test(entityId)) {
    problems.push(`${at}: default_entity_id must be ${platform}.<object id>, got ${String(entityId)}`);
  }
  if (typeof config["name"] !== "string" || config["name"] === "") problems.push(`${at}: name missing`);
  for (const key of ["state_topic", "json_attributes_topic"]) {
    const topic = config[key];
    if (key === "json_attributes_topic" && topic === undefined) continue;
    if (typeof topic !== "string" || topic === "" || /[+#]/.test(topic)) {
      problems.push(`${at}: ${key} must be a topic without wildcards`);
    }
  }
  const category = config["entity_category"];
  if (category !== undefined && category !== "diagnostic" && category !== "config") {
    problems.push(`${at}: entity_category ${String(category)} unknown`);
  }
  return problems;
}

function sensorProblems(at: string, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const deviceClass = config["device_class"];
  const stateClass = config["state_class"];
  const unit = config["unit_of_measurement"];
  if (stateClass !== undefined && !SENSOR_RULES.state_classes.includes(String(stateClass))) {
    problems.push(`${at}: state_class ${String(stateClass)} unknown`);
  }
  if (deviceClass !== undefined) {
    const rule = SENSOR_RULES.device_classes[String(deviceClass)];
    if (!rule) {
      problems.push(`${at}: device_class ${String(deviceClass)} unknown`);
    } else {
      const unitOrNull = unit === undefined ? null : unit;
      if (deviceClass === "monetary") {
        if (typeof unit !== "string" || !CURRENCY_CODE.test(unit)) {
          problems.push(`${at}: monetary needs an ISO 4217 currency code as unit, got ${String(unit)}`);
        }
      } else if (rule.units === null) {
        if (unit !== undefined) problems.push(`${at}: device_class ${String(deviceClass)} takes no unit`);
      } else if (!rule.units.includes(unitOrNull as string | null)) {
        problems.push(
          `${at}: The unit of measurement ${String(unitOrNull)} is not valid together with device class ${String(deviceClass)}`,
        );
      }
      if (stateClass !== undefined && !rule.state_classes.includes(String(stateClass))) {
        problems.push(`${at}: state_class ${String(stateClass)} not allowed for ${String(deviceClass)}`);
      }
    }
    if (deviceClass === "enum") {
      const options = config["options"];
      if (!Array.isArray(options) || options.length === 0) problems.push(`${at}: enum needs options`);
    }
  }
  if (config["options"] !== undefined && deviceClass !== "enum") {
    problems.push(`${at}: options requires device_class enum`);
  }
  // mqtt/sensor.py validate_sensor_state_and_device_class_config rejects the discovery otherwise.
  if (config["last_reset_value_template"] !== undefined && stateClass !== "total") {
    problems.push(`${at}: last_reset_value_template needs state_class total`);
  }
  return problems;
}

function binarySensorProblems(at: string, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const deviceClass = config["device_class"];
  if (deviceClass !== undefined && !BINARY_SENSOR_DEVICE_CLASSES.has(String(deviceClass))) {
    problems.push(`${at}: binary_sensor device_class ${String(deviceClass)} unknown`);
  }
  for (const key of ["payload_on", "payload_off"]) {
    if (key in config && typeof config[key] !== "string") problems.push(`${at}: ${key} must be a string`);
  }
  return problems;
}

function eventProblems(at: string, config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const types = config["event_types"];
  // mqtt/event.py: event_types is required, a list of strings.
  if (!Array.isArray(types) || types.length === 0 || !types.every((type) => typeof type === "string")) {
    problems.push(`${at}: event_types must be a non-empty list of strings`);
  }
  const deviceClass = config["device_class"];
  if (deviceClass !== undefined && !EVENT_DEVICE_CLASSES.has(String(deviceClass))) {
    problems.push(`${at}: event device_class ${String(deviceClass)} unknown`);
  }
  return problems;
}

const PLATFORM_PROBLEMS: Readonly<Record<string, (at: string, config: Record<string, unknown>) => string[]>> =
  {
    sensor: sensorProblems,
    binary_sensor: binarySensorProblems,
    event: eventProblems,
  };

function componentProblems(
  id: string,
  config: Record<string, unknown>,
  seenUniqueIds: Set<string>,
): string[] {
  const problems: string[] = [];
  const at = `components.${id}`;
  for (const key of unknownKeys(config, ENTITY_KEYS)) problems.push(`${at}: unknown option ${key}`);
  const platform = String(config["platform"]);
  const platformProblems = PLATFORM_PROBLEMS[platform];
  if (!platformProblems) return [...problems, `${at}: platform ${platform} is not one e450 announces`];
  if (Object.keys(config).length === 1) return problems; // {"platform": …} only: a removal
  problems.push(...commonProblems(at, platform, config, seenUniqueIds));
  if (platform !== "sensor") {
    for (const key of SENSOR_ONLY_OPTIONS) {
      if (key in config) problems.push(`${at}: ${key} is not a ${platform} option`);
    }
  }
  problems.push(...platformProblems(at, config));
  return problems;
}

export function deviceDiscoveryProblems(prefix: string, topic: string, payload: unknown): string[] {
  const problems: string[] = [];
  if (!new RegExp(`^${prefix}/device/${TOPIC_LEVEL}/config$`).test(topic)) {
    problems.push(`topic ${topic} is not <prefix>/device/<object_id>/config`);
  }
  if (!isRecord(payload)) return [...problems, "payload is not a JSON object"];
  for (const key of unknownKeys(payload, ENTITY_KEYS)) problems.push(`root: unknown option ${key}`);
  const device = payload["device"];
  if (!isRecord(device)) {
    problems.push("device is required in device discovery");
  } else {
    for (const key of unknownKeys(device, DEVICE_KEYS)) problems.push(`device: unknown option ${key}`);
    const identifiers = device["identifiers"];
    if (
      !Array.isArray(identifiers) ||
      identifiers.length === 0 ||
      !identifiers.every((id) => typeof id === "string")
    ) {
      problems.push("device.identifiers must be a non-empty list of strings");
    }
  }
  const origin = payload["origin"];
  if (!isRecord(origin)) {
    problems.push("origin is required in device discovery");
  } else {
    for (const key of unknownKeys(origin, ORIGIN_KEYS)) problems.push(`origin: unknown option ${key}`);
    if (typeof origin["name"] !== "string" || origin["name"] === "") problems.push("origin.name is required");
  }
  const availability = payload["availability"];
  if (availability !== undefined) {
    if (!Array.isArray(availability)) problems.push("availability must be a list");
    else {
      for (const item of availability) {
        if (!isRecord(item) || typeof item["topic"] !== "string")
          problems.push("availability item needs a topic");
        else
          for (const key of unknownKeys(item, ENTITY_KEYS))
            problems.push(`availability: unknown option ${key}`);
      }
    }
  }
  const mode = payload["availability_mode"];
  if (mode !== undefined && !["all", "any", "latest"].includes(String(mode))) {
    problems.push(`availability_mode ${String(mode)} unknown`);
  }
  const qos = payload["qos"];
  if (qos !== undefined && qos !== 0 && qos !== 1 && qos !== 2) problems.push("qos must be 0, 1 or 2");
  const components = payload["components"];
  if (!isRecord(components) || Object.keys(components).length === 0) {
    problems.push("components must be a non-empty object");
    return problems;
  }
  const uniqueIds = new Set<string>();
  for (const [id, config] of Object.entries(components)) {
    if (!new RegExp(`^${TOPIC_LEVEL}$`).test(id)) problems.push(`component id ${id} has illegal characters`);
    if (!isRecord(config)) problems.push(`components.${id} is not an object`);
    else problems.push(...componentProblems(id, config, uniqueIds));
  }
  return problems;
}
