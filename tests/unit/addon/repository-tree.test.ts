/**
 * The Supervisor's store takes every `config.*` file with a .json, .yaml or .yml suffix anywhere in a
 * repository for an add-on's configuration, skipping only hidden folders and `rootfs` (home-assistant/
 * supervisor supervisor/store/data.py `_find_addons`: path.glob("**\/config.*") filtered by
 * FILE_SUFFIX_CONFIGURATION), and logs every one that does not validate. The root config.yaml must be
 * the only one.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, readRepoText } from "./repo-files.js";

/** Not part of a clone (installed or generated here), and skipped by the Supervisor anyway. */
const NOT_IN_A_CLONE = new Set(["node_modules", "dist", "coverage"]);

/** The Supervisor's test for a file name, e.g. true for config.schema.json and config.yml. */
function isReadAsAddonConfig(name: string): boolean {
  return name.startsWith("config.") && [".json", ".yaml", ".yml"].some((suffix) => name.endsWith(suffix));
}

function findAddonConfigs(relative: string): string[] {
  return readdirSync(`${REPO_ROOT}${relative}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${relative}${entry.name}`;
    if (entry.isDirectory()) {
      const skipped = entry.name.startsWith(".") || entry.name === "rootfs" || NOT_IN_A_CLONE.has(entry.name);
      return skipped ? [] : findAddonConfigs(`${path}/`);
    }
    return isReadAsAddonConfig(entry.name) ? [path] : [];
  });
}

describe("repository tree", () => {
  it("holds exactly one file the Supervisor reads as an add-on config: the root config.yaml", () => {
    expect(findAddonConfigs("")).toEqual(["config.yaml"]);
  });

  it("recognises the names the Supervisor reads, including a schema named config.schema.json", () => {
    for (const name of ["config.yaml", "config.yml", "config.json", "config.schema.json", "config.old.yaml"])
      expect(isReadAsAddonConfig(name), name).toBe(true);
    for (const name of ["addon-config.schema.json", "config.ts", "config-yaml.test.ts", "myconfig.json"])
      expect(isReadAsAddonConfig(name), name).toBe(false);
  });

  it("documents every option in DOCS.md", () => {
    const docs = readRepoText("DOCS.md");
    const schema = readRepoText("config.yaml").split("\nschema:\n")[1] ?? "";
    const names = [...schema.matchAll(/^\s*-?\s*([a-z_]+):/gm)].map((match) => match[1]!);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(docs, name).toContain(`\`${name}\``);
  });

  it("keeps a changelog in Keep a Changelog form with an Unreleased section", () => {
    const changelog = readRepoText("CHANGELOG.md");
    expect(changelog).toMatch(/^# Changelog$/m);
    expect(changelog).toContain("https://keepachangelog.com/en/1.1.0/");
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(/^### Added$/m);
  });
});
