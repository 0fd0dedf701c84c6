/**
 * apparmor.txt, the add-on's AppArmor profile (developers.home-assistant.io docs/apps/presentation.md
 * "AppArmor"): the Supervisor's reading of it, AppArmor's own parser, and what it grants.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { globToRegExp, grants, readProfileBody } from "./apparmor-profile.js";
import { readRepoText, readRepoYaml, repoPath } from "./repo-files.js";

const PROFILE_FILE = "apparmor.txt";
const profile = readRepoText(PROFILE_FILE);
const slug = readRepoYaml("config.yaml")["slug"] as string;
const body = readProfileBody(profile);

/** Debian's apparmor package puts the parser in /usr/sbin, which a normal user's PATH often lacks. */
function findParser(): string {
  const found = ["/usr/sbin/apparmor_parser", "/sbin/apparmor_parser", "/usr/bin/apparmor_parser"].find(
    existsSync,
  );
  if (!found) throw new Error("apparmor_parser is not installed: run scripts/install-test-deps.sh");
  return found;
}

const scratch = mkdtempSync(join(tmpdir(), "e450-apparmor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * apparmor_parser -Q (--skip-kernel-load) -K (--skip-cache): preprocess, parse and compile the policy
 * as loading it would, without a kernel that has AppArmor (CI machines and containers often lack it).
 */
function parse(text: string): { status: number | null; stderr: string } {
  const file = join(scratch, `profile-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, text);
  const result = spawnSync(findParser(), ["-Q", "-K", file], { encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

/** What supervisor/utils/apparmor.py adjust_profile does before loading: the slug becomes the full one. */
function asTheSupervisorLoadsIt(text: string, fullSlug: string): string {
  return text
    .split("\n")
    .map((line) => (/^profile ([^ ]+).*$/.test(line) ? line.replace(slug, fullSlug) : line))
    .join("\n");
}

describe("apparmor.txt as the Supervisor reads it", () => {
  it("holds exactly one profile line, named as the add-on's slug", () => {
    // supervisor/utils/apparmor.py get_profile_name: RE_PROFILE = ^profile ([^ ]+).*$, exactly one match.
    const names = [...profile.matchAll(/^profile ([^ ]+).*$/gm)].map((match) => match[1]);
    expect(names).toEqual([slug]);
  });

  it("sits next to config.yaml, which is where the Supervisor looks for it", () => {
    expect(existsSync(repoPath(PROFILE_FILE))).toBe(true);
    expect(existsSync(repoPath("config.yaml"))).toBe(true);
  });
});

describe("apparmor.txt as AppArmor reads it (apparmor_parser -Q -K)", () => {
  it("parses and compiles", () => {
    const result = parse(profile);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it("still parses after the Supervisor renames it to the installed add-on's full slug", () => {
    const renamed = asTheSupervisorLoadsIt(profile, `local_${slug}`);
    expect(renamed).toMatch(new RegExp(`^profile local_${slug} `, "m"));
    expect(parse(renamed).status).toBe(0);
  });

  it("names exactly that one profile (apparmor_parser -N)", () => {
    const file = join(scratch, "names.txt");
    writeFileSync(file, profile);
    const names = execFileSync(findParser(), ["-N", file], { encoding: "utf8" }).trim().split("\n");
    expect(names).toEqual([slug]);
  });

  it("is a real check: a malformed rule is refused", () => {
    const broken = profile.replace("/data/** rwk,", "/data/** rwz,");
    expect(broken).not.toBe(profile);
    const result = parse(broken);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/error/i);
  });
});

describe("what the profile grants", () => {
  it("has no rule this test does not understand", () => {
    expect(body.unknown).toEqual([]);
    expect(body.includes).toEqual(["abstractions/base"]);
  });

  it.each([
    // s6-overlay v3: /init, its programs and scripts, the compiled services in /run
    ["/init", "rix"],
    ["/package/admin/s6-overlay-3.2.3.0/libexec/stage0", "rix"],
    ["/package/admin/s6-overlay-3.2.3.0/command/with-contenv", "rix"],
    ["/command/s6-svstat", "rix"],
    ["/etc/s6-overlay/s6-rc.d/e450/run", "rix"],
    ["/etc/s6-overlay/s6-rc.d/user/type", "w"],
    ["/etc/services.d/", "r"],
    ["/run/s6/basedir/bin/init", "rix"],
    ["/run/s6-rc:s6-rc-init:AbCdEf/servicedirs/e450/run", "rix"],
    ["/run/service/e450/supervise/status", "r"],
    ["/run/s6-linux-init-container-results/exitcode", "w"],
    ["/run/s6/container_environment/SUPERVISOR_TOKEN", "r"],
    // shells and bashio
    ["/bin/busybox", "rix"],
    ["/bin/bash", "rix"],
    ["/usr/lib/bashio/bashio", "rix"],
    // node and e450, read-only; the native serialport binding is mapped
    ["/usr/bin/node", "rix"],
    ["/opt/e450/dist/src/cli.js", "r"],
    ["/opt/e450/package.json", "r"],
    ["/opt/e450/node_modules/@serialport/bindings-cpp/build/Release/bindings.node", "mr"],
    ["/opt/e450/node_modules/better-sqlite3/build/Release/better_sqlite3.node", "mr"],
    // the health check and its heartbeat
    ["/usr/bin/e450-healthcheck", "rix"],
    ["/run/e450/", "w"],
    ["/run/e450/heartbeat", "rw"],
    // the data folder, written atomically through a temporary file
    ["/data/", "r"],
    ["/data/options.json", "r"],
    ["/data/integrity-guard.json", "rw"],
    ["/data/.integrity-guard.json.123.tmp", "w"],
    ["/data/mqtt-announced.json", "rw"],
    // the history store: SQLite with its write-ahead log and shared-memory index, locked
    ["/data/history.sqlite", "rwk"],
    ["/data/history.sqlite-wal", "rwk"],
    ["/data/history.sqlite-shm", "rwk"],
    // the add-on's config folder: the tariff file, read only
    ["/config/", "r"],
    ["/config/tariff.yaml", "r"],
    ["/tmp/.bashio/cache", "rw"],
    // serial devices, also through by-id; the port list
    ["/dev/ttyUSB0", "rwk"],
    ["/dev/ttyACM0", "rwk"],
    ["/dev/ttyAMA0", "rwk"],
    ["/dev/rfcomm0", "rwk"],
    ["/dev/serial/by-id/", "r"],
    ["/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10KXYZ-if00-port0", "r"],
    ["/dev/", "r"],
    ["/sys/class/tty/ttyUSB0/uevent", "r"],
    // name resolution and TLS for the broker
    ["/etc/resolv.conf", "r"],
    ["/etc/hosts", "r"],
    ["/etc/ssl/certs/ca-certificates.crt", "r"],
    ["/usr/share/icu/74.2/icudt74l.dat", "r"],
  ])("grants %s: %s", (path, access) => {
    expect(grants(body.fileRules, path, access)).toBe(true);
  });

  it.each([
    ["/opt/e450/dist/src/cli.js", "w"],
    ["/opt/e450/node_modules/serialport/package.json", "w"],
    ["/usr/bin/node", "w"],
    ["/usr/bin/e450-healthcheck", "w"],
    ["/init", "w"],
    ["/package/admin/s6-overlay-3.2.3.0/libexec/stage0", "w"],
    ["/etc/passwd", "w"],
    ["/etc/shadow", "r"],
    ["/root/.ash_history", "r"],
    // /config is the add-on's own folder (map: addon_config), read-only; Home Assistant's
    // configuration and its secrets are not mapped at all.
    ["/config/tariff.yaml", "w"],
    ["/homeassistant/secrets.yaml", "r"],
    ["/share/anything", "r"],
    ["/dev/sda", "r"],
    ["/dev/mem", "r"],
    ["/dev/bus/usb/001/002", "w"],
    ["/proc/sysrq-trigger", "w"],
    ["/proc/1/mem", "w"],
    ["/sys/class/gpio/export", "w"],
    ["/usr/sbin/chroot", "rix"],
  ])("does not grant %s: %s", (path, access) => {
    expect(grants(body.fileRules, path, access)).toBe(false);
  });

  it("allows TCP and UDP over IPv4 and IPv6, and no other network access", () => {
    const network = body.otherRules.filter((rule) => rule.startsWith("network"));
    expect(network.sort()).toEqual([
      "network inet dgram,",
      "network inet stream,",
      "network inet6 dgram,",
      "network inet6 stream,",
    ]);
  });

  it("grants no capability, mount, blanket file access or profile change", () => {
    for (const rule of body.otherRules)
      expect(rule).not.toMatch(/^(capability|mount|umount|remount|file|change_profile|pivot_root)\b/);
    for (const rule of body.fileRules) expect(rule.permissions, rule.text).not.toMatch(/[uUpPcC]/);
    expect(body.fileRules.some((rule) => rule.path.test("/etc/shadow") || rule.path.test("/"))).toBe(false);
  });
});

describe("the glob matcher behind these checks", () => {
  it.each([
    ["/data/**", "/data/options.json", true],
    ["/data/**", "/data/a/b", true],
    ["/data/**", "/data/", false],
    ["/run/{,**}", "/run/", true],
    ["/run/{s6,s6-rc*,service}/**", "/run/s6-rc:init:x/servicedirs/e450/run", true],
    ["/run/{s6,s6-rc*,service}/**", "/run/e450/heartbeat", false],
    ["/dev/tty*", "/dev/ttyUSB0", true],
    ["/dev/tty*", "/dev/tty", true],
    ["/dev/tty*", "/dev/serial/by-id/x", false],
    ["/opt/e450/node_modules/**.node", "/opt/e450/node_modules/a/b/c.node", true],
    ["/etc/{hosts,resolv.conf}", "/etc/hostsX", false],
    ["@{PROC}/@{pid}/{,**}", "/proc/42/status", true],
    ["/dev/ttyUSB[0-9]", "/dev/ttyUSB7", true],
    ["/dev/ttyUSB[^0-9]", "/dev/ttyUSB7", false],
  ])("%s against %s: %s", (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it("takes a permission away with a deny rule", () => {
    const rules = readProfileBody("profile x {\n  /a/** rw,\n  deny /a/secret w,\n}\n").fileRules;
    expect(grants(rules, "/a/file", "rw")).toBe(true);
    expect(grants(rules, "/a/secret", "r")).toBe(true);
    expect(grants(rules, "/a/secret", "w")).toBe(false);
  });
});
