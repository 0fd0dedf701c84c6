/**
 * Strict argument parsing for every `e450` command. `node:util` parseArgs finds the mistake; this turns
 * it into one line that names the argument and, for a typo, the option that was probably meant, so a
 * misspelt `--config` stops the command with exit 2 instead of silently starting the virtual meter.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** The command line as parseArgs types it when `strict` is on. */
type Parsed<O extends OptionSpecs, P extends boolean> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: P }>
>;

export type ArgValues<O extends OptionSpecs> = Parsed<O, false>["values"];

export type ArgsResult<O extends OptionSpecs, P extends boolean> =
  | { readonly ok: true; readonly values: Parsed<O, P>["values"]; readonly positionals: string[] }
  | { readonly ok: false; readonly message: string };

export interface CommandSpec<O extends OptionSpecs, P extends boolean> {
  readonly options: O;
  /** Whether bare arguments are accepted (default: no, any bare argument is a mistake). */
  readonly allowPositionals?: P;
}

/** The exit code of a command line the command cannot run, as for every `e450` command. */
const USAGE_EXIT_CODE = 2;

/**
 * Parses `argv` strictly. A failure carries a one-line message prefixed with `command`
 * ("e450 run: unknown option --conifg (did you mean --config?)"). A string option given twice is a
 * failure too, rather than a silent pick of the last one.
 */
export function parseCommandArgs<const O extends OptionSpecs, const P extends boolean = false>(
  command: string,
  argv: readonly string[],
  spec: CommandSpec<O, P>,
): ArgsResult<O, P> {
  const allowPositionals = spec.allowPositionals ?? false;
  let parsed: { values: Parsed<O, P>["values"]; positionals: string[]; tokens: Token[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: spec.options,
      strict: true,
      allowPositionals,
      tokens: true,
    });
  } catch (error) {
    if (!isParseError(error)) throw error;
    const problem = diagnose(argv, spec.options, allowPositionals) ?? firstLine(error.message);
    return { ok: false, message: `${command}: ${problem}` };
  }
  const repeated = repeatedOption(parsed.tokens, spec.options);
  if (repeated !== undefined)
    return { ok: false, message: `${command}: option --${repeated} given more than once` };
  return { ok: true, values: parsed.values, positionals: parsed.positionals };
}

/** Writes the message, then the command's usage, to stderr; returns the exit code for it. */
export function failUsage(message: string, usage?: string): number {
  process.stderr.write(usage === undefined ? `${message}\n` : `${message}\n\n${usage}`);
  return USAGE_EXIT_CODE;
}

/**
 * The candidate that `typed` most likely misspells: the closest within a third of its length
 * (at least one edit), else the only candidate it abbreviates; undefined when nothing is close.
 */
export function nearest(typed: string, candidates: readonly string[]): string | undefined {
  const word = typed.toLowerCase();
  if (word.length < 2) return undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  if (best) return best.candidate;
  const abbreviated = candidates.filter((candidate) => candidate.toLowerCase().startsWith(word));
  return abbreviated.length === 1 ? abbreviated[0] : undefined;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring letters each count one, so "conifg" is one edit from "config".
 */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        distance = Math.min(distance, beforePrevious[j - 2]! + 1);
      current.push(distance);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}

type Token =
  | { kind: "option"; index: number; name: string; rawName: string; value?: string; inlineValue?: boolean }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };

function isParseError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_");
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}

/**
 * Finds the argument parseArgs refused, from the tokens of a lenient parse: strict parsing checks
 * the tokens in order and stops at the first bad one, so the first one found here is the same.
 */
function diagnose(
  argv: readonly string[],
  options: OptionSpecs,
  allowPositionals: boolean,
): string | undefined {
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const longNames = Object.keys(options);
  let previous: Token | undefined;
  for (const token of tokens as Token[]) {
    if (token.kind === "option") {
      const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
      if (option === undefined) return unknownOption(token, argv, longNames);
      if (option.type === "string" && token.value === undefined)
        return `option ${token.rawName} needs a value`;
      if (option.type === "string" && token.inlineValue === false && token.value?.startsWith("-"))
        return ambiguousValue(token.rawName, token.value, options);
      if (option.type === "boolean" && token.value !== undefined)
        return `option ${token.rawName} takes no value`;
    } else if (token.kind === "positional" && !allowPositionals) {
      const hint =
        previous?.kind === "option" && options[previous.name]?.type === "boolean"
          ? `${previous.rawName} takes no value`
          : "this command takes options only";
      return `unexpected argument "${token.value}" (${hint})`;
    }
    previous = token;
  }
  return undefined;
}

function unknownOption(
  token: { index: number; rawName: string },
  argv: readonly string[],
  longNames: string[],
) {
  // "-config" arrives as the short options -c -o -n …; the whole argument is what the user typed.
  const typed = token.rawName.startsWith("--")
    ? token.rawName
    : (argv[token.index] ?? token.rawName).split("=")[0]!;
  const guess = nearest(typed.replace(/^-+/, ""), longNames);
  return guess === undefined
    ? `unknown option ${typed}`
    : `unknown option ${typed} (did you mean --${guess}?)`;
}

/**
 * parseArgs takes the argument after a string option as its value even when it starts with "-", then
 * refuses it as ambiguous. The value itself is only echoed when it is one of the command's options:
 * it could be a key (ARCHITECTURE §9).
 */
function ambiguousValue(rawName: string, value: string, options: OptionSpecs): string {
  const name = value.split("=", 1)[0]!;
  const isOption =
    (name.startsWith("--") && Object.hasOwn(options, name.slice(2))) ||
    Object.values(options).some((option) => option.short !== undefined && `-${option.short}` === name);
  return isOption
    ? `option ${rawName} needs a value, but the next argument is the option ${name}`
    : `option ${rawName} needs a value; write ${rawName}=VALUE for a value that starts with "-"`;
}

function repeatedOption(tokens: readonly Token[], options: OptionSpecs): string | undefined {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const option = options[token.name];
    if (option?.type !== "string" || option.multiple) continue;
    if (seen.has(token.name)) return token.name;
    seen.add(token.name);
  }
  return undefined;
}
