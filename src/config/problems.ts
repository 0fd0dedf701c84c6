/**
 * A configuration problem names the option and says what was expected (ARCHITECTURE §7). All of
 * them are collected and shown together, so one edit-restart cycle fixes everything.
 */
import type { OptionsSource } from "./options.js";

export interface ConfigProblem {
  /** The option as the user writes it: "meter.encryption_key", "scaler_overrides[1].obis", "--mqtt". */
  readonly path: string;
  /** What was expected and what was found; never a secret's value. */
  readonly message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}

function describeSource(source: OptionsSource): string {
  switch (source.kind) {
    case "addon":
      return `the add-on options (${source.file})`;
    case "file":
      return source.file;
    case "embedded":
      return "the built-in defaults";
  }
}

/** The multi-line text a refused start prints: one problem per line, each naming its option. */
export function describeProblems(source: OptionsSource, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  const lines = problems.map((problem) => `  - ${formatProblem(problem)}`);
  return `The configuration in ${describeSource(source)} has ${count}:\n${lines.join("\n")}`;
}
