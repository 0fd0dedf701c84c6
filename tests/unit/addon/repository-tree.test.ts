/**
 * The Supervisor's store treats every folder holding a config.yaml|yml|json as an add-on
 * (supervisor/store/data.py), so the repository root must be the only one.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, readRepoText } from "./repo-files.js";

/** Not part of a clone, or generated. */
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage", ".data"]);
const ADDON_CONFIG_NAME = /^config\.(ya?ml|json)$/;

function findAddonConfigs(relative: string): string[] {
  return readdirSync(`${REPO_ROOT}${relative}`, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = `${relative}${entry.name}`;
    if (entry.isDirectory()) return findAddonConfigs(`${path}/`);
    return ADDON_CONFIG_NAME.test(entry.name) ? [path] : [];
  });
}

describe("repository tree", () => {
  it("holds exactly one add-on config: the root config.yaml", () => {
    expect(findAddonConfigs("")).toEqual(["config.yaml"]);
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
