import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { schemaErrors } from "./addon-linter.js";
import { readRepoYaml, repoPath } from "./repo-files.js";
import type { SchemaTree } from "./supervisor-grammar.js";

interface Field {
  name: string;
  description?: string | null;
  fields?: Record<string, Field>;
}

const LANGUAGES = ["en", "de", "fr"] as const;
const schema = readRepoYaml("config.yaml")["schema"] as SchemaTree;
const translations = Object.fromEntries(
  LANGUAGES.map((language) => [
    language,
    readRepoYaml(`translations/${language}.yaml`)["configuration"] as Record<string, Field>,
  ]),
);

/** The keys a translation must have: every option, and for a group or a list of groups, its fields. */
function expectedKeys(tree: SchemaTree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) => {
    const inner = Array.isArray(value) ? value[0] : value;
    return typeof inner === "string"
      ? [`${prefix}${key}`]
      : [`${prefix}${key}`, ...expectedKeys(inner as SchemaTree, `${prefix}${key}.`)];
  });
}

function translatedKeys(fields: Record<string, Field>, prefix = ""): string[] {
  return Object.entries(fields).flatMap(([key, field]) => [
    `${prefix}${key}`,
    ...translatedKeys(field.fields ?? {}, `${prefix}${key}.`),
  ]);
}

function entries(fields: Record<string, Field>, prefix = ""): [string, Field][] {
  return Object.entries(fields).flatMap(([key, field]): [string, Field][] => [
    [`${prefix}${key}`, field],
    ...entries(field.fields ?? {}, `${prefix}${key}.`),
  ]);
}

describe("translations", () => {
  it("exist for exactly English, German and French", () => {
    expect(readdirSync(repoPath("translations")).sort()).toEqual(["de.yaml", "en.yaml", "fr.yaml"]);
  });

  it.each(LANGUAGES)("%s validates against the Supervisor's translation schema", (language) => {
    expect(schemaErrors("translations", readRepoYaml(`translations/${language}.yaml`))).toEqual([]);
  });

  it.each(LANGUAGES)("%s names and describes exactly the options of config.yaml", (language) => {
    const configuration = translations[language]!;
    expect(translatedKeys(configuration).sort()).toEqual(expectedKeys(schema).sort());
    for (const [key, field] of entries(configuration)) {
      expect(field.name.trim(), `${language} ${key}.name`).not.toBe("");
      expect(field.description?.trim() ?? "", `${language} ${key}.description`).not.toBe("");
    }
  });

  it.each(["de", "fr"] as const)("%s is translated, not copied from English", (language) => {
    const english = new Map(entries(translations["en"]!).map(([key, field]) => [key, field.description]));
    for (const [key, field] of entries(translations[language]!)) {
      expect(field.description, `${language} ${key}`).not.toBe(english.get(key));
    }
  });

  it("would catch a missing key (the comparison is not vacuous)", () => {
    const { meter: _meter, ...withoutMeter } = translations["en"]!;
    expect(translatedKeys(withoutMeter).sort()).not.toEqual(expectedKeys(schema).sort());
  });
});
