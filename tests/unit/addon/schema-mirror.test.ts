/**
 * config.yaml's `schema:` (what the Supervisor and the add-on UI use) and OPTIONS_SCHEMA (what the
 * program validates with) must describe the same options: same names at every level, compatible
 * types, the same optional/required split, the same secrets, and the same defaults.
 */
import { describe, expect, it } from "vitest";
import { OPTIONS_SCHEMA } from "../../../src/config/options-schema.js";
import { validateOptions } from "../../../src/config/validate.js";
import { readRepoYaml } from "./repo-files.js";
import { type Leaf, leaves, parseLeaf, type SchemaTree } from "./supervisor-grammar.js";

interface JsonNode {
  type?: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  writeOnly?: boolean;
  default?: unknown;
  required?: readonly string[];
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
}

const config = readRepoYaml("config.yaml");
const addonSchema = config["schema"] as SchemaTree;
const jsonSchema = OPTIONS_SCHEMA as unknown as JsonNode;

/** "meter.tcp_port" → the property node; "scaler_overrides[].obis" → the list item's property node. */
function jsonNodeAt(path: string): { node: JsonNode | undefined; parent: JsonNode | undefined } {
  let node: JsonNode | undefined = jsonSchema;
  let parent: JsonNode | undefined;
  for (const segment of path.split(".")) {
    const listItem = segment.endsWith("[]");
    parent = node;
    node = node?.properties?.[listItem ? segment.slice(0, -2) : segment];
    if (listItem) node = node?.items;
  }
  return { node, parent };
}

function jsonLeafPaths(node: JsonNode, prefix = ""): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    if (child.type === "object") return jsonLeafPaths(child, `${prefix}${key}.`);
    if (child.type === "array" && child.items?.type === "object")
      return jsonLeafPaths(child.items, `${prefix}${key}[].`);
    // A list of plain values: config.yaml writes its item type as `key: [type]`.
    if (child.type === "array") return [`${prefix}${key}[]`];
    return [`${prefix}${key}`];
  });
}

/** What the JSON Schema node must say for a Supervisor type (ours may be stricter where noted). */
function expectCompatible(path: string, leaf: Leaf, node: JsonNode): void {
  const where = `${path} (${leaf.kind})`;
  expect(node.writeOnly === true, `${where}: secret ⇔ password`).toBe(leaf.kind === "password");
  switch (leaf.kind) {
    case "list":
      expect(node.type, where).toBe("string");
      expect(node.enum, where).toEqual(leaf.choices);
      return;
    case "bool":
      expect(node.type, where).toBe("boolean");
      return;
    case "port":
      expect(node, where).toMatchObject({ type: "integer", minimum: 1, maximum: 65535 });
      return;
    case "int":
    case "float":
      expect(node.type, where).toBe(leaf.kind === "int" ? "integer" : "number");
      // Bounds the Supervisor checks must be ours too; ours may add bounds it cannot express.
      if (leaf.min !== undefined) expect(node.minimum, where).toBe(leaf.min);
      if (leaf.max !== undefined) expect(node.maximum, where).toBe(leaf.max);
      return;
    case "match":
      expect(node.type, where).toBe("string");
      expect(node.pattern, where).toBe(leaf.pattern);
      return;
    case "password":
      // The Supervisor has no masked match(); the key's form (32 hex digits) is checked by us only.
      expect(node.type, where).toBe("string");
      return;
    case "str":
    case "device":
      expect(node.type, where).toBe("string");
      expect(node.pattern, `${where}: a pattern belongs in match(...)`).toBeUndefined();
      return;
    default:
      throw new Error(`${where}: no JSON Schema counterpart defined`);
  }
}

describe("OPTIONS_SCHEMA mirrors config.yaml's schema", () => {
  const addonLeaves = leaves(addonSchema);

  it("has the same option names at every level", () => {
    expect(jsonLeafPaths(jsonSchema).sort()).toEqual(addonLeaves.map(([path]) => path).sort());
    expect(Object.keys(jsonSchema.properties ?? {})).toEqual(Object.keys(addonSchema));
  });

  it.each(addonLeaves)("%s: %s has a compatible type and the same optionality", (path, type) => {
    const leaf = parseLeaf(type);
    expect(leaf, `${path}: ${type} is not a Supervisor type`).not.toBeNull();
    const { node, parent } = jsonNodeAt(path);
    expect(node, path).toBeDefined();
    expectCompatible(path, leaf!, node!);
    const name = path.split(".").at(-1)!;
    if (name.endsWith("[]")) {
      // The list itself: the Supervisor requires it present, so it needs a default (empty: none).
      const list = parent?.properties?.[name.slice(0, -2)];
      expect(list?.default, `${path}: a list of plain values needs a default`).toBeDefined();
      expect(leaf!.optional, `${path}: its items are required values`).toBe(false);
    } else if (path.includes("[]")) {
      // Inside a list item the Supervisor requires every field without "?".
      expect(parent?.items?.required?.includes(name) ?? parent?.required?.includes(name), path).toBe(
        !leaf!.optional,
      );
    } else {
      // Outside lists, required options come with a default in both schemas.
      expect(node!.default !== undefined, `${path}: default ⇔ not optional`).toBe(!leaf!.optional);
    }
  });

  it("uses the add-on's defaults, and neither has a connection to fall back on", () => {
    const addonDefaults = structuredClone(config["options"]) as { meter: Record<string, unknown> };
    expect(addonDefaults.meter).not.toHaveProperty("connection");
    expect(jsonSchema.properties?.["meter"]?.properties?.["connection"]?.default).toBeUndefined();
    // The plain program's run without a configuration asks for the virtual meter itself (load.ts).
    const embedded = validateOptions({ meter: { connection: "virtual" } });
    expect(embedded.ok).toBe(true);
    addonDefaults.meter["connection"] = "virtual";
    expect(embedded.ok && embedded.options).toEqual(addonDefaults);
  });

  it("turns the add-on's untouched defaults into exactly one request: choose the connection", () => {
    const result = validateOptions(config["options"]);
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: "meter.connection",
        message:
          'required: "serial" with meter.serial_device, "tcp" with meter.tcp_host and meter.tcp_port, ' +
          'or "virtual" for the built-in simulated meter (its readings are made up)',
      },
    ]);
  });

  it("starts on the serial device the user picks, with the other defaults untouched", () => {
    const options = structuredClone(config["options"]) as { meter: Record<string, unknown> };
    options.meter["serial_device"] = "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1234-if00-port0";
    const result = validateOptions(options);
    expect(result.ok && result.options.meter.connection).toBe("serial");
  });
});
