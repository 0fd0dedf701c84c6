/**
 * Turns ajv's errors into ConfigProblems a user understands: the option path in config.yaml's own
 * spelling, the expectation phrased from the schema, and what was found — except for secrets
 * (`writeOnly`), of which only the length is told.
 */
import type { ErrorObject } from "ajv";
import type { ConfigProblem } from "./problems.js";

interface SchemaNode {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly writeOnly?: boolean;
  readonly description?: string;
  readonly properties?: Record<string, unknown>;
  readonly "x-expected"?: string;
  readonly discriminator?: { readonly propertyName: string };
  readonly oneOf?: readonly { readonly properties?: Record<string, { readonly const?: unknown }> }[];
}

/** "/scaler_overrides/1/obis" → "scaler_overrides[1].obis" (the spelling of config.yaml's YAML). */
function optionPath(instancePath: string, child?: string): string {
  const segments = instancePath.split("/").slice(1);
  if (child !== undefined) segments.push(child);
  let path = "";
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === "" ? segment : `.${segment}`;
  }
  return path === "" ? "(options)" : path;
}

function expectedOf(schema: SchemaNode): string {
  if (schema["x-expected"] !== undefined) return schema["x-expected"];
  if (schema.enum !== undefined)
    return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(", ")}`;
  const range =
    schema.minimum !== undefined && schema.maximum !== undefined
      ? ` from ${schema.minimum} to ${schema.maximum}`
      : schema.minimum !== undefined
        ? ` of at least ${schema.minimum}`
        : "";
  switch (schema.type) {
    case "integer":
      return `a whole number${range}`;
    case "number":
      return `a number${range}`;
    case "boolean":
      return "true or false";
    case "string":
      return schema.minLength ? "a non-empty text" : "a text";
    case "array":
      return "a list";
    case "object":
      return "a group of options (name: value)";
    default:
      return "a valid value";
  }
}

/** What was found, without ever echoing a secret. */
function describeFound(value: unknown, secret: boolean): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a group of options";
  if (secret) {
    if (typeof value !== "string") return `a ${typeof value}`;
    const notes: string[] = [];
    if (/\s/.test(value)) notes.push("including spaces");
    if (/^0x/i.test(value)) notes.push('starting with "0x"');
    else if (/[^0-9A-Fa-f\s]/.test(value)) notes.push("including characters that are not hexadecimal digits");
    const length = `${value.length} ${value.length === 1 ? "character" : "characters"}`;
    return notes.length === 0 ? length : `${length}, ${notes.join(", ")}`;
  }
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return JSON.stringify(shown);
  }
  return String(value);
}

/** One problem per offending option; ajv's bookkeeping errors (the `if` wrapper) are dropped. */
export function problemFromAjvError(error: ErrorObject): ConfigProblem | null {
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "if":
      return null;
    case "required": {
      // A missing tag is the discriminator's to report, with the kinds it could be.
      if (schema.discriminator?.propertyName === params["missingProperty"]) return null;
      const condition = schema.description === undefined ? "" : ` ${schema.description}`;
      return {
        path: optionPath(error.instancePath, String(params["missingProperty"])),
        message: `required${condition}`,
      };
    }
    case "dependencies":
      return {
        path: optionPath(error.instancePath, String(params["property"])),
        message: `only allowed together with ${optionPath(error.instancePath, String(params["missingProperty"]))}`,
      };
    case "discriminator": {
      // A kind-tagged group (tariff-file-schema.ts): the tag is missing or names no kind.
      const tag = String(params["tag"]);
      const kinds = (schema.oneOf ?? []).map((branch) => JSON.stringify(branch.properties?.[tag]?.const));
      const found = (error.data as Record<string, unknown> | null)?.[tag];
      return {
        path: optionPath(error.instancePath, tag),
        message:
          found === undefined
            ? `required: one of ${kinds.join(", ")}`
            : `expected one of ${kinds.join(", ")}, got ${describeFound(found, false)}`,
      };
    }
    case "additionalProperties": {
      const known = Object.keys(schema.properties ?? {}).join(", ");
      return {
        path: optionPath(error.instancePath, String(params["additionalProperty"])),
        message: `unknown option (the options here are: ${known})`,
      };
    }
    default:
      return {
        path: optionPath(error.instancePath),
        message: `expected ${expectedOf(schema)}, got ${describeFound(error.data, schema.writeOnly === true)}`,
      };
  }
}
