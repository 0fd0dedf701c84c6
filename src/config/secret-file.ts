/**
 * A secret from a file (a Docker or systemd credential, or a file only its owner can read), never
 * from the command line: `--mqtt-password-file FILE` for the broker password,
 * `homeassistant.token_file` for Home Assistant's access token. The file holds the secret as is,
 * without percent-encoding; one line ending, as `echo` and editors add it, is not part of it.
 */
import { fileErrorReason } from "../util/file-error.js";
import { readFile } from "node:fs/promises";
import type { ConfigProblem } from "./problems.js";
import { Secret } from "../util/secret.js";

export type SecretFileResult =
  | { readonly ok: true; readonly secret: Secret<string> }
  | { readonly ok: false; readonly problem: ConfigProblem };

/** `option` names the flag or option in a problem; `what` the secret ("password", "token"). */
export async function readSecretFile(file: string, option: string, what: string): Promise<SecretFileResult> {
  const fail = (message: string): SecretFileResult => ({ ok: false, problem: { path: option, message } });
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return fail(`cannot read ${file}: ${fileErrorReason(error)}`);
  }
  const secret = text.replace(/\r?\n$/, "");
  // Neither message tells anything about the content beyond what is wrong with its form.
  if (secret === "") return fail(`${file} is empty; expected the ${what} on its one line`);
  if (/[\r\n]/.test(secret)) return fail(`${file} has more than one line; expected the ${what} alone`);
  return { ok: true, secret: new Secret(secret) };
}
