/**
 * The unit's command line inside the sandbox its [Service] section asks for, built without systemd as
 * PID 1 from the same directives (systemd.exec(5)):
 * - bwrap (bubblewrap): ProtectSystem=strict (the whole tree read-only), StateDirectory= (that folder
 *   writable), ProtectHome=yes (/home, /root, /run/user empty), PrivateTmp=yes (/tmp, /var/tmp empty);
 * - setpriv: User= and Group= (as nobody and nogroup: this machine has no e450 user),
 *   SupplementaryGroups=, CapabilityBoundingSet= (empty), NoNewPrivileges=yes;
 * - seccomp-exec.py: SystemCallFilter= (its groups expanded by `systemd-analyze syscall-filter`, plus
 *   @default, which systemd always allows), SystemCallErrorNumber=, RestrictAddressFamilies=,
 *   SystemCallArchitectures=native.
 * Not reproduced: DevicePolicy= and DeviceAllow= (a cgroup BPF program that only the service manager
 * attaches), ProtectProc=, ProtectClock=, ProtectHostname=, RestrictNamespaces=, RestrictRealtime=,
 * LockPersonality=, RemoveIPC= and UMask=. Setting up namespaces and switching users needs root, as
 * it does for systemd.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type UnitFile, serviceValue, serviceValues } from "./unit-file.js";

const SECCOMP_EXEC = fileURLToPath(new URL("./seccomp-exec.py", import.meta.url));
/**
 * This checkout (its dist/ and the seccomp helper), bound in again after the private /tmp and the
 * empty home folders: a clone under /tmp (as CI may make it) would otherwise vanish in the sandbox,
 * where the installed unit finds /opt/e450 untouched.
 */
const CHECKOUT = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");
/** Debian's python3-seccomp installs into the system Python, which a pyenv shim may hide. */
const SYSTEM_PYTHON = "/usr/bin/python3";
/** nobody and nogroup on Debian: the stand-in for the unit's own user. */
export const STAND_IN_ID = 65534;

/** `systemd-analyze syscall-filter`: every group with its members (calls and nested groups). */
function syscallGroups(): Map<string, string[]> {
  const listing = execFileSync("systemd-analyze", ["syscall-filter"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const groups = new Map<string, string[]>();
  let members: string[] | undefined;
  for (const line of listing.split("\n")) {
    if (line.startsWith("@")) {
      members = [];
      groups.set(line.trim(), members);
    } else if (members && line.trim() !== "" && !line.trim().startsWith("#")) {
      members.push(line.trim());
    }
  }
  return groups;
}

function expand(groups: Map<string, string[]>, name: string, into: Set<string>): void {
  if (!name.startsWith("@")) {
    into.add(name);
    return;
  }
  const members = groups.get(name);
  if (!members) throw new Error(`systemd-analyze knows no system call group ${name}`);
  for (const member of members) expand(groups, member, into);
}

/**
 * The calls SystemCallFilter= allows: its first line an allow list, later "~" lines taking calls out
 * of it again (systemd.exec(5)); a unit that starts with a deny list is not reproduced here.
 */
function allowedSyscalls(unit: UnitFile): Set<string> {
  const [first, ...more] = serviceValues(unit, "SystemCallFilter");
  if (first === undefined || first.startsWith("~")) throw new Error("SystemCallFilter= is no allow list");
  const groups = syscallGroups();
  const allowed = new Set<string>();
  for (const entry of ["@default", ...first.split(/\s+/)]) expand(groups, entry, allowed);
  for (const line of more) {
    const removed = new Set<string>();
    const denied = line.startsWith("~");
    for (const entry of line.replace(/^~/, "").split(/\s+/)) expand(groups, entry, removed);
    for (const call of removed) {
      if (denied) allowed.delete(call);
      else allowed.add(call);
    }
  }
  return allowed;
}

function expectValue(unit: UnitFile, key: string, expected: string): void {
  const value = serviceValue(unit, key);
  if (value !== expected) throw new Error(`the sandbox reproduces ${key}=${expected} only, not ${value}`);
}

interface SandboxPaths {
  /** The state folder (StateDirectory=), the only writable place. */
  readonly stateDir: string;
  /**
   * Read-only folders to show under the private /tmp (the test's options file). Whole folders:
   * bwrap creates the parents of a mount point 0700, which the service's user could not pass.
   */
  readonly readOnly: readonly string[];
  /** Where the allowed system calls are written for seccomp-exec.py. */
  readonly workDir: string;
}

/** `argv` (the unit's localized ExecStart) wrapped in the unit's sandbox. */
export function sandboxed(unit: UnitFile, argv: readonly string[], paths: SandboxPaths): string[] {
  if (process.getuid?.() !== 0) throw new Error("the unit's sandbox needs root (mount namespace, setpriv)");
  expectValue(unit, "ProtectSystem", "strict");
  expectValue(unit, "ProtectHome", "yes");
  expectValue(unit, "PrivateTmp", "yes");
  expectValue(unit, "NoNewPrivileges", "yes");
  expectValue(unit, "CapabilityBoundingSet", "");
  expectValue(unit, "SystemCallArchitectures", "native");
  const syscalls = join(paths.workDir, "allowed-syscalls.txt");
  writeFileSync(syscalls, `${[...allowedSyscalls(unit)].join("\n")}\n`);
  const families = serviceValue(unit, "RestrictAddressFamilies").split(/\s+/).join(",");
  const onBlocked = serviceValues(unit, "SystemCallErrorNumber")[0] ?? "kill";
  const groups = serviceValues(unit, "SupplementaryGroups").flatMap((value) => value.split(/\s+/));
  const hidden = ["/home", "/root", "/run/user", "/tmp", "/var/tmp"].filter((folder) => existsSync(folder));
  return [
    "bwrap",
    "--ro-bind",
    "/",
    "/",
    "--dev-bind",
    "/dev",
    "/dev",
    "--proc",
    "/proc",
    ...hidden.flatMap((folder) => ["--tmpfs", folder]),
    ...[CHECKOUT, ...paths.readOnly, syscalls].flatMap((path) => ["--ro-bind", path, path]),
    "--bind",
    paths.stateDir,
    paths.stateDir,
    "--die-with-parent",
    "--",
    "setpriv",
    `--reuid=${STAND_IN_ID}`,
    `--regid=${STAND_IN_ID}`,
    ...(groups.length > 0 ? [`--groups=${groups.join(",")}`] : ["--clear-groups"]),
    "--bounding-set=-all",
    "--inh-caps=-all",
    "--no-new-privs",
    SYSTEM_PYTHON,
    SECCOMP_EXEC,
    syscalls,
    families,
    onBlocked,
    "--",
    ...argv,
  ];
}

/**
 * The pid of the command bwrap runs (setpriv and the loader exec into it): the service's main process,
 * which systemd signals on stop. bwrap itself forwards no signal.
 */
export function innerPid(bwrapPid: number): number {
  const children = readFileSync(`/proc/${bwrapPid}/task/${bwrapPid}/children`, "utf8").trim().split(/\s+/);
  const pid = Number(children[0]);
  if (children.length !== 1 || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`bwrap ${bwrapPid} has children "${children.join(" ")}", expected one`);
  }
  return pid;
}
