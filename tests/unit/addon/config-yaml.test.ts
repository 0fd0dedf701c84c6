import { describe, expect, it } from "vitest";
import { lintAddonConfig, pythonPatternsToJs } from "./addon-linter.js";
import { readLinterSchema, readRepoText, readRepoYaml } from "./repo-files.js";
import { CURRENT_GRAMMAR, LEGACY_GRAMMAR, leaves, type SchemaTree } from "./supervisor-grammar.js";

const config = readRepoYaml("config.yaml");

describe("config.yaml", () => {
  it("passes the add-on linter's schema and extra rules without errors or warnings", () => {
    expect(lintAddonConfig(config)).toEqual({ errors: [], warnings: [] });
  });

  it("has the identity and the permissions the add-on needs", () => {
    expect(config).toMatchObject({
      slug: "e450",
      arch: ["aarch64", "amd64"],
      init: false,
      uart: true,
      services: ["mqtt:need"],
      // A dynamic tariff's prices come from a Home Assistant entity through the Supervisor's proxy.
      homeassistant_api: true,
      // The tariff file lives in the add-on's own config folder, read-only (the string form's default).
      map: ["addon_config"],
    });
    // No right the code does not use (developer docs, "App security").
    expect(config).not.toHaveProperty("hassio_api");
    expect(config).not.toHaveProperty("watchdog");
    expect(config).not.toHaveProperty("image"); // built locally from the Dockerfile until images are published
    for (const key of ["name", "description", "url"]) expect(config[key]).toEqual(expect.any(String));
  });

  it("quotes a version equal to package.json's", () => {
    const packageVersion = (JSON.parse(readRepoText("package.json")) as { version: string }).version;
    expect(readRepoText("config.yaml")).toMatch(
      new RegExp(`^version: "${packageVersion.replace(/\./g, "\\.")}"$`, "m"),
    );
  });

  it("uses only option types both the current and the pre-2026.05 Supervisor accept", () => {
    for (const [path, type] of leaves(config["schema"] as SchemaTree)) {
      expect(CURRENT_GRAMMAR.test(type), `${path}: ${type}`).toBe(true);
      expect(LEGACY_GRAMMAR.test(type), `${path}: ${type}`).toBe(true);
    }
  });

  it("declares the keys as passwords and the serial device through the tty picker", () => {
    const meter = (config["schema"] as { meter: Record<string, string> }).meter;
    expect(meter["encryption_key"]).toBe("password?");
    expect(meter["authentication_key"]).toBe("password?");
    expect(meter["serial_device"]).toBe("device(subsystem=tty)?");
  });

  it("gives every required option a default and no optional one", () => {
    // supervisor/apps/options.py _check_missing_options: a schema key without "?" must be in options.
    const schemaLeaves = leaves(config["schema"] as SchemaTree).filter(([path]) => !path.includes("[]"));
    const options = config["options"] as Record<string, Record<string, unknown> | unknown>;
    for (const [path, type] of schemaLeaves) {
      const value = path
        .split(".")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], options);
      if (type.endsWith("?")) expect(value, path).toBeUndefined();
      else expect(value, path).toBeDefined();
    }
    // Groups must be present even when empty, or the Supervisor reports them missing.
    for (const [key, value] of Object.entries(config["schema"] as SchemaTree)) {
      if (typeof value !== "string") expect(options, key).toHaveProperty(key);
    }
  });

  it("keeps nesting within what the Supervisor validates and the add-on UI renders", () => {
    expect(nestingProblems(config["schema"] as SchemaTree)).toEqual([]);
  });

  it("would catch a list of lists and a list inside a list entry (the nesting check is not vacuous)", () => {
    const bad = { a: { b: [{ days: ["int"] }] }, c: [["str"]] } as unknown as SchemaTree;
    expect(nestingProblems(bad)).toEqual([
      "a.b[].days: a list or group inside a list entry",
      "c: a list of lists",
    ]);
  });
});

/**
 * supervisor/apps/validate.py SCHEMA_ELEMENT (since home-assistant/supervisor#6171, 2025.09.1):
 * groups and lists nest freely, but a list never holds a list. The frontend renders a list entry as
 * one row of fields (supervisor-app-config.ts, object selector), where a list of numbers becomes a
 * single number box, so an entry holds leaves only.
 */
function nestingProblems(tree: SchemaTree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]): string[] => {
    const path = `${prefix}${key}`;
    if (typeof value === "string") return [];
    if (!Array.isArray(value)) return nestingProblems(value as SchemaTree, `${path}.`);
    const [item] = value as readonly (string | SchemaTree | readonly unknown[])[];
    if (Array.isArray(item)) return [`${path}: a list of lists`];
    if (typeof item === "string" || item === undefined) return [];
    return Object.entries(item as SchemaTree)
      .filter(([, leaf]) => typeof leaf !== "string")
      .map(([field]) => `${path}[].${field}: a list or group inside a list entry`);
  });
}

describe("the linter port (so the checks above can fail)", () => {
  const valid = { name: "x", version: "1", slug: "x", description: "x", arch: ["amd64"] };
  it.each([
    ["a key at its default", { ...valid, init: true }, "'init' should be removed, it uses a default value"],
    ["boot at its default", { ...valid, boot: "auto" }, "'boot' should be removed, it uses a default value"],
    ["watchdog", { ...valid, watchdog: "tcp://[HOST]:[PORT:80]" }, "'watchdog' is obsolete"],
    [
      "webui with ingress",
      { ...valid, ingress: true, webui: "http://[HOST]:[PORT:80]" },
      "'webui' should be removed",
    ],
    ["full_access with uart", { ...valid, full_access: true, uart: true }, "'uart' should be removed"],
    ["an unknown key", { ...valid, bogus: 1 }, "must NOT have additional properties"],
    ["a bad service", { ...valid, services: ["mqtt:maybe"] }, "/services/0 must match pattern"],
    [
      "a missing slug",
      { name: "x", version: "1", description: "x", arch: ["amd64"] },
      "must have required property 'slug'",
    ],
  ])("reports %s", (_label, document, expected) => {
    expect(lintAddonConfig(document).errors.join("\n")).toContain(expected);
  });

  it("warns about the dropped 32-bit architectures", () => {
    expect(lintAddonConfig({ ...valid, arch: ["armv7"] }).warnings).toEqual([
      "arch armv7 is no longer supported as of Home Assistant 2025.12",
    ]);
  });

  it("translates only the Python named groups of the services pattern", () => {
    const schema = readLinterSchema("addon-config.schema.json") as {
      properties: { services: { items: { pattern: string } } };
    };
    expect(schema.properties.services.items.pattern).toContain("(?P<service>");
    expect(pythonPatternsToJs(schema).properties.services.items.pattern).toBe(
      "^(?<service>mqtt|mysql):(?<rights>provide|want|need)$",
    );
  });
});
