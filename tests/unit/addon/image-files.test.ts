/** Static checks of the image recipe and the s6-overlay service; the install itself is proven in tests/integration. */
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readRepoText, repoPath } from "./repo-files.js";

const SERVICE = "rootfs/etc/s6-overlay/s6-rc.d/e450";
const dockerfile = readRepoText("Dockerfile");
/** RUN instructions with their continuation lines joined. */
const runs = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((line) => line.startsWith("RUN "));

function isExecutable(relative: string): boolean {
  return (statSync(repoPath(relative)).mode & 0o111) === 0o111;
}

describe("Dockerfile", () => {
  it("defaults BUILD_FROM, since Supervisor ≥ 2026.04 no longer passes it", () => {
    expect(dockerfile).toMatch(/^ARG BUILD_FROM=ghcr\.io\/home-assistant\/base:\S+$/m);
    expect(dockerfile).toMatch(/^FROM \$BUILD_FROM$/m);
  });

  it("installs node from Alpine and only production dependencies from the lock file", () => {
    expect(dockerfile).toMatch(/apk add --no-cache nodejs npm/);
    const install = runs.find((run) => run.includes("--omit=dev"));
    expect(install).toMatch(/npm ci --omit=dev/);
  });

  it("compiles the native modules from source with build tools added and removed in the same RUN", () => {
    const install = runs.find((run) => run.includes("--omit=dev")) ?? "";
    expect(install).toContain("--build-from-source");
    expect(install).toMatch(/apk add --no-cache --virtual \.build-deps [^&]*build-base/);
    expect(install).toMatch(/apk add --no-cache --virtual \.build-deps [^&]*python3/);
    expect(install).toContain("apk del .build-deps");
    expect(install.indexOf("apk del .build-deps")).toBeGreaterThan(install.indexOf("npm ci"));
  });

  it("ships the compiled dist and the s6 service, labels the image and checks its health", () => {
    expect(dockerfile).toMatch(/^COPY --from=build \/build\/dist \.\/dist$/m);
    expect(dockerfile).toMatch(/^COPY rootfs \/$/m);
    for (const label of [
      "io.hass.type",
      "io.hass.version",
      "io.hass.arch",
      "io.hass.name",
      "io.hass.description",
    ]) {
      expect(dockerfile).toContain(`${label}=`);
    }
    expect(dockerfile).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD \["\/usr\/bin\/e450-healthcheck"\]$/m);
    expect(isExecutable("rootfs/usr/bin/e450-healthcheck")).toBe(true);
  });

  it("leaves the s6-overlay /init as entrypoint (config.yaml has init: false)", () => {
    expect(dockerfile).not.toMatch(/^(ENTRYPOINT|CMD) /m);
  });
});

describe("s6-overlay v3 service", () => {
  it("is a longrun in the user bundle, after base", () => {
    expect(readRepoText(`${SERVICE}/type`).trim()).toBe("longrun");
    expect(readRepoText("rootfs/etc/s6-overlay/s6-rc.d/user/contents.d/e450")).toBe("");
    expect(readRepoText(`${SERVICE}/dependencies.d/base`)).toBe("");
  });

  it("execs node with the add-on's environment, so SIGTERM reaches it", () => {
    const run = readRepoText(`${SERVICE}/run`);
    expect(run.split("\n")[0]).toBe("#!/command/with-contenv bashio");
    const lastCommand = run.trim().split("\n").at(-1);
    expect(lastCommand).toBe("exec node --max-semi-space-size=1 /opt/e450/dist/src/cli.js run");
    expect(dockerfile).toMatch(/^WORKDIR \/opt\/e450$/m);
  });

  it("has executable run and finish scripts", () => {
    expect(isExecutable(`${SERVICE}/run`)).toBe(true);
    expect(isExecutable(`${SERVICE}/finish`)).toBe(true);
  });

  it("halts the container when e450 fails, so the Supervisor sees the exit code", () => {
    const finish = readRepoText(`${SERVICE}/finish`);
    expect(finish).toContain("/run/s6-linux-init-container-results/exitcode");
    expect(finish).toContain("exec /run/s6/basedir/bin/halt");
  });
});

describe(".dockerignore", () => {
  it("keeps host build output and dependencies out of the build context", () => {
    const ignored = readRepoText(".dockerignore").split("\n");
    for (const entry of ["node_modules", "dist", ".git", ".data"]) expect(ignored).toContain(entry);
    for (const needed of ["src", "bench", "rootfs", "package-lock.json"])
      expect(ignored).not.toContain(needed);
  });
});
