/** Reads the add-on's files from the repository root, and the linter schemas copied into tests/fixtures. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCHEMA_DIR = new URL("../../fixtures/ha-schemas/", import.meta.url);

export function repoPath(relative: string): string {
  return `${REPO_ROOT}${relative}`;
}

export function readRepoText(relative: string): string {
  return readFileSync(repoPath(relative), "utf8");
}

export function readRepoYaml(relative: string): Record<string, unknown> {
  return parse(readRepoText(relative)) as Record<string, unknown>;
}

export function readLinterSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, SCHEMA_DIR), "utf8")) as Record<string, unknown>;
}
