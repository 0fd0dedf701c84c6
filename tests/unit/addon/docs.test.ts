/**
 * DOCS.md, the add-on's Documentation tab, against what the add-on really does: the rights config.yaml
 * requests, the AppArmor profile, the build on the user's machine, and the integrity guard's reset.
 */
import { describe, expect, it } from "vitest";
import { grants, readProfileBody } from "./apparmor-profile.js";
import { readRepoText, readRepoYaml } from "./repo-files.js";

const docs = readRepoText("DOCS.md");
const config = readRepoYaml("config.yaml");

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = docs.split("\n");
  const start = lines.indexOf(heading);
  if (start < 0) return "";
  const level = heading.indexOf(" ");
  const end = lines.findIndex(
    (line, index) => index > start && /^#+ /.test(line) && line.indexOf(" ") <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** config.yaml keys that grant the add-on rights (developers.home-assistant.io docs/apps/configuration.md). */
const RIGHTS = [
  "uart",
  "usb",
  "gpio",
  "udev",
  "devices",
  "video",
  "audio",
  "services",
  "homeassistant_api",
  "hassio_api",
  "hassio_role",
  "auth_api",
  "host_network",
  "host_pid",
  "host_dbus",
  "privileged",
  "full_access",
  "docker_api",
  "kernel_modules",
  "map",
];

describe("DOCS.md, Security", () => {
  const security = section("## Security");

  it("explains every right config.yaml requests, and no right it does not request", () => {
    expect(security).not.toBe("");
    for (const key of RIGHTS) {
      expect(security.includes(`\`${key}`), `${key} ${key in config ? "requested" : "not requested"}`).toBe(
        key in config,
      );
    }
  });

  it("says what homeassistant_api is for, or that nothing uses it", () => {
    if (config["homeassistant_api"] === true) {
      expect(security).toMatch(/\*\*Home Assistant API\*\* \(`homeassistant_api: true`\): \S/);
    }
  });

  it("describes the AppArmor profile with paths the profile really grants", () => {
    const apparmor = section("### AppArmor profile");
    expect(apparmor).toContain("`apparmor.txt`");
    const rules = readProfileBody(readRepoText("apparmor.txt")).fileRules;
    const paths = [...apparmor.matchAll(/`(\/[^`\s]*)`/g)].map((match) => match[1]!);
    expect(paths.length).toBeGreaterThan(8);
    for (const path of paths) {
      // A folder counts when something in it is readable; a glob such as /dev/tty* by one example.
      const example = path.replace(/\*+$/, "X0");
      const granted = [example, `${example}/`, `${example}/x`].some((candidate) =>
        grants(rules, candidate, "r"),
      );
      expect(granted, `${path} is granted by no rule`).toBe(true);
    }
  });
});

describe("DOCS.md, Installation", () => {
  it("explains why and how long the first installation takes, linked from the install step", () => {
    expect(section("## Installation")).toMatch(
      /^2\. .*\n.*\(see \[Installation time\]\(#installation-time\)\)/m,
    );
    const time = section("### Installation time");
    expect(time).toMatch(/builds it on your machine/);
    expect(time).toMatch(/serialport/);
    expect(time).toMatch(/Raspberry Pi 4/);
    expect(time).toMatch(/\d+ minutes/);
  });
});

describe("DOCS.md, Troubleshooting", () => {
  it("points to the integrity guard's reset option for registers the operator reset", () => {
    const troubleshooting = section("## Troubleshooting");
    const resetOption = Object.keys(config["schema"] as Record<string, unknown>).find((key) =>
      /guard/.test(key),
    );
    expect(resetOption, "config.yaml has an option that resets the integrity guard").toBeDefined();
    const entry = troubleshooting.split("\n\n").find((paragraph) => /reset/.test(paragraph)) ?? "";
    expect(entry).toMatch(new RegExp(`\`${resetOption}\`|integrity-guard reset option`));
    expect(entry).toContain("(see [Options](#options))");
  });
});
