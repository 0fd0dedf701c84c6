/**
 * `--mqtt-password-file FILE`: the broker password from a file (a Docker or systemd credential, or a
 * file only its owner can read), never from the command line. The file holds the password as is,
 * without percent-encoding; one line ending, as `echo` and editors add it, is not part of it.
 */
import { fileErrorReason } from "../util/file-error.js";
import { readFile } from "node:fs/promises";
import type { ConfigProblem } from "./problems.js";
import { Secret } from "./secret.js";

const PATH = "--mqtt-password-file";

export type PasswordFileResult =
  | { readonly ok: true; readonly password: Secret<string> }
  | { readonly ok: false; readonly problem: ConfigProblem };

export async function readPasswordFile(file: string): Promise<PasswordFileResult> {
  const fail = (message: string): PasswordFileResult => ({ ok: false, problem: { path: PATH, message } });
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return fail(`cannot read ${file}: ${fileErrorReason(error)}`);
  }
  const password = text.replace(/\r?\n$/, "");
  // Neither message tells anything about the content beyond what is wrong with its form.
  if (password === "") return fail(`${file} is empty; expected the password on its one line`);
  if (/[\r\n]/.test(password)) return fail(`${file} has more than one line; expected the password alone`);
  return { ok: true, password: new Secret(password) };
}
