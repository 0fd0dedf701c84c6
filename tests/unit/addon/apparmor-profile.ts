/**
 * Reads the file rules of apparmor.txt and answers "does this profile grant this access to this
 * path?" with AppArmor's own globbing (apparmor.d(5), "Globbing" and "Rule Qualifiers"). Only what the
 * add-on's profile uses is understood; any other line is reported, so a rule is never skipped silently.
 */

export interface FileRule {
  readonly text: string;
  readonly deny: boolean;
  readonly path: RegExp;
  /** Permission letters, e.g. "rwk" or "rix". */
  readonly permissions: string;
}

export interface ProfileBody {
  readonly fileRules: readonly FileRule[];
  /** network, signal, capability … rules, as written. */
  readonly otherRules: readonly string[];
  readonly includes: readonly string[];
  /** Lines inside the profile that are none of the above. */
  readonly unknown: readonly string[];
}

/** Values from <tunables/global>, enough for matching: /proc, /sys and a process id. */
const VARIABLES: Readonly<Record<string, string>> = { PROC: "/proc/", sys: "/sys/", pid: "[1-9]*" };

const FILE_RULE =
  /^(?:audit\s+)?(?<deny>deny\s+)?(?:owner\s+)?(?<path>[/@]\S*)\s+(?<permissions>[rwaklmixpcuUPC]+)\s*(?:->\s*\S+\s*)?,$/;
const OTHER_RULE =
  /^(?:audit\s+)?(?:deny\s+)?(?:network|signal|capability|ptrace|unix|mount|umount|remount|pivot_root|change_profile|dbus|file)\b[^,]*,$/;

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** An AppArmor path glob as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const expanded = glob
    .replace(/@\{(\w+)\}/g, (_match, name: string) => {
      const value = VARIABLES[name];
      if (value === undefined) throw new Error(`unknown variable @{${name}} in ${glob}`);
      return value;
    })
    .replace(/\/{2,}/g, "/");
  let pattern = "";
  let braces = 0;
  for (let i = 0; i < expanded.length; i++) {
    const character = expanded[i]!;
    // "* and ** after a slash never match an empty name": /tmp/** does not match /tmp/ itself.
    const afterSlash = expanded[i - 1] === "/";
    switch (character) {
      case "\\":
        pattern += escapeForRegExp(expanded[++i] ?? "");
        break;
      case "*":
        if (expanded[i + 1] === "*") {
          i++;
          pattern += afterSlash ? "[^/].*" : ".*";
        } else {
          pattern += afterSlash ? "[^/]+" : "[^/]*";
        }
        break;
      case "?":
        pattern += "[^/]";
        break;
      case "[": {
        const end = expanded.indexOf("]", i + 1);
        if (end < 0) throw new Error(`unclosed [ in ${glob}`);
        pattern += `[${expanded.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
        break;
      }
      case "{":
        braces++;
        pattern += "(?:";
        break;
      case "}":
        braces--;
        pattern += ")";
        break;
      case ",":
        pattern += braces > 0 ? "|" : ",";
        break;
      default:
        pattern += escapeForRegExp(character);
    }
  }
  if (braces !== 0) throw new Error(`unbalanced braces in ${glob}`);
  return new RegExp(`^${pattern}$`);
}

/** The rules between the top-level `profile … {` and its closing brace (no child profiles expected). */
export function readProfileBody(text: string): ProfileBody {
  const lines = text.split("\n").map((line) => line.trim());
  const start = lines.findIndex((line) => /^profile\s+\S+.*\{$/.test(line));
  const end = lines.lastIndexOf("}");
  if (start < 0 || end < start) throw new Error("no profile block");
  const fileRules: FileRule[] = [];
  const otherRules: string[] = [];
  const includes: string[] = [];
  const unknown: string[] = [];
  for (const line of lines.slice(start + 1, end)) {
    if (line === "") continue;
    const include = /^#?include\s+<(?<name>[^>]+)>$/.exec(line);
    if (include) includes.push(include.groups!["name"]!);
    else if (line.startsWith("#")) continue;
    else if (FILE_RULE.test(line)) {
      const { deny, path, permissions } = FILE_RULE.exec(line)!.groups!;
      fileRules.push({
        text: line,
        deny: deny !== undefined,
        path: globToRegExp(path!),
        permissions: permissions!,
      });
    } else if (OTHER_RULE.test(line)) otherRules.push(line);
    else unknown.push(line);
  }
  return { fileRules, otherRules, includes, unknown };
}

/**
 * Whether the rules grant `access` on `path`: each letter of it (r, w, k, m) must come from a rule
 * that matches, and "ix" (execute, staying in this profile) from a rule holding both; a matching
 * deny rule takes a letter away. Directories are written with a trailing slash, as AppArmor sees them.
 */
export function grants(rules: readonly FileRule[], path: string, access: string): boolean {
  const matching = rules.filter((rule) => rule.path.test(path));
  const allowed = matching.filter((rule) => !rule.deny).map((rule) => rule.permissions);
  const denied = matching.filter((rule) => rule.deny).map((rule) => rule.permissions);
  const needs = access.includes("ix") ? [...access.replace("ix", "").split(""), "ix"] : access.split("");
  return needs.every((need) => {
    const has = (permissions: string) =>
      need === "ix" ? permissions.includes("i") && permissions.includes("x") : permissions.includes(need);
    return allowed.some(has) && !denied.some(has);
  });
}
