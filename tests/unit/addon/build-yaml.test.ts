import { describe, expect, it } from "vitest";
import { lintBuildConfig, schemaErrors } from "./addon-linter.js";
import { readRepoText, readRepoYaml } from "./repo-files.js";

const BASE_IMAGE = /^ARG BUILD_FROM=(\S+)$/m;

describe("build.yaml", () => {
  const build = readRepoYaml("build.yaml");

  it("passes the add-on linter's build schema and rules", () => {
    expect(lintBuildConfig(build)).toEqual({ errors: [], warnings: [] });
  });

  it("builds both architectures from the Dockerfile's default base image (the multi-arch one)", () => {
    const dockerDefault = BASE_IMAGE.exec(readRepoText("Dockerfile"))?.[1];
    expect(dockerDefault).toMatch(/^ghcr\.io\/home-assistant\/base:\d+\.\d+$/);
    expect(build["build_from"]).toEqual({ aarch64: dockerDefault, amd64: dockerDefault });
  });

  it("is checked for real: squash and a malformed image are rejected", () => {
    expect(lintBuildConfig({ squash: true }).errors).toContain("'squash' is no longer supported");
    expect(lintBuildConfig({ build_from: { amd64: "not an image!" } }).errors).not.toEqual([]);
  });
});

describe("repository.yaml", () => {
  it("has what the Supervisor's store needs", () => {
    const repository = readRepoYaml("repository.yaml");
    expect(schemaErrors("repository", repository)).toEqual([]);
    expect(repository["url"]).toBe(readRepoYaml("config.yaml")["url"]);
  });

  it("is checked for real: a missing name is rejected", () => {
    expect(schemaErrors("repository", { url: "https://example.com" })).not.toEqual([]);
  });
});
