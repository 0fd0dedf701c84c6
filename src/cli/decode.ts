/**
 * `e450 decode`: decode a captured byte stream and print one JSON document (a stable contract:
 * scripts and the golden decode test compare it field by field) or a table. Exit 0 with at least one
 * snapshot, 1 with none, 2 on misuse. The capture is read in chunks and each snapshot is written as it
 * is decoded, with issues counted by kind: memory stays flat however large or hostile the input.
 */
import type { Writable } from "node:stream";
import { LAYOUT_ALIASES, LAYOUT_NAMES, resolveLayoutName } from "../config/choices.js";
import type { Issue } from "../model/issue.js";
import { CaptureDecoder, IssueTally, noSnapshotIssue } from "../reader/decode-bytes.js";
import type { Protocol } from "../reader/stream-decoder.js";
import { parseHexText } from "../transport/capture-file.js";
import { type ArgValues, failUsage, parseCommandArgs } from "./args.js";
import { captureChunks, fileChunks, HexTextError, UsageError } from "./decode-input.js";
import { JsonDocumentFormatter } from "./snapshot-json.js";
import { TableFormatter } from "./table.js";

const PROTOCOLS: readonly Protocol[] = ["auto", "hdlc", "mbus", "iec62056-21"];

const USAGE = `usage: e450 decode [options]

Decodes a captured byte stream: from --hex, from --file, or piped on stdin.

  --hex HEX              the capture as hex digits; spaces, ":" and "-" between them are allowed
  --file PATH            a capture file: raw bytes, or hex text with # comments
  --key HEX32            encryption key of a ciphered meter (32 hex digits)
  --auth-key HEX32       authentication key, when the pushes carry an authentication tag
  --layout NAME          ${LAYOUT_NAMES.join(" | ")}
                         how the values of a push are laid out (default auto: by the push's shape);
                         the older names ${Object.keys(LAYOUT_ALIASES).join(", ")} are accepted too
  --protocol NAME        ${PROTOCOLS.join(" | ")} (default auto: detected from the bytes)
  --format json|table    json: one document {"snapshots", "issues", "summary"}, for scripts;
                         table: one table per snapshot, for people (default json)
  -h, --help             show this help

Exit code: 0 with at least one snapshot, 1 with none, 2 on a command line it cannot run.
`;

const OPTIONS = {
  hex: { type: "string" },
  file: { type: "string" },
  key: { type: "string" },
  "auth-key": { type: "string" },
  layout: { type: "string", default: "auto" },
  protocol: { type: "string", default: "auto" },
  format: { type: "string", default: "json" },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Options = ReturnType<typeof parseOptions>;

/**
 * The most the decoder is given at once. Hostile input yields one issue every few bytes: from 16 KiB
 * they are short-lived garbage, while from 64 KiB pieces they outlive V8's young generation and the
 * same input took five times the CPU time (measured with bench/decode-hostile.ts).
 */
const DECODER_PIECE_BYTES = 16 * 1024;

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs("e450 decode", argv, { options: OPTIONS });
  if (!args.ok) return failUsage(args.message, USAGE);
  let options: Options;
  try {
    options = parseOptions(args.values);
  } catch (error) {
    process.stderr.write(`e450 decode: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let input: AsyncIterable<Uint8Array>;
  try {
    input = await captureInput(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`e450 decode: ${error.message}\n`);
    return 2;
  }
  return decode(input, options, process.stdout);
}

async function decode(input: AsyncIterable<Uint8Array>, options: Options, stdout: Writable): Promise<number> {
  const out = new Output(stdout);
  const decoder = new CaptureDecoder({
    ...(options.key ? { encryptionKey: options.key } : {}),
    ...(options.authKey ? { authenticationKey: options.authKey } : {}),
    layout: options.layout,
    protocol: options.protocol,
  });
  const tally = new IssueTally();
  const json = options.format === "json" ? new JsonDocumentFormatter() : null;
  const table = json ? null : new TableFormatter();
  if (json) await out.write(json.start());
  const handle = async (events: ReturnType<CaptureDecoder["push"]>) => {
    for (const event of events) {
      if (event.kind === "issue") tally.add(event.issue);
      else if (event.kind === "snapshot")
        await out.write(json ? json.snapshot(event.snapshot) : table!.snapshot(event.snapshot));
    }
  };
  let stopped: Issue | null = null;
  try {
    for await (const chunk of input) {
      for (let at = 0; at < chunk.length; at += DECODER_PIECE_BYTES)
        await handle(decoder.push(chunk.subarray(at, at + DECODER_PIECE_BYTES)));
      // The rest would be decoded for no one.
      if (out.gone) break;
    }
  } catch (error) {
    stopped = inputProblem(error);
  }
  await handle(decoder.finish());
  if (stopped) tally.add(stopped);
  const summary = decoder.summary();
  // Input that could not be read is not empty input: the read failure says it.
  const none = stopped && summary.bytes === 0 ? null : noSnapshotIssue(summary);
  if (none) tally.add(none);
  const issues = tally.entries();
  await out.write(json ? json.end(issues, summary) : table!.end(issues));
  return summary.snapshots > 0 ? 0 : 1;
}

/** Input that fails part-way ends the decoding there; what came before still counts. */
function inputProblem(error: unknown): Issue {
  if (error instanceof HexTextError)
    return { code: "bad-hex-text", message: `${error.message}; decoding stopped there` };
  const failure = error as NodeJS.ErrnoException;
  // Only a failed read is the input's problem; anything else is a fault of this program.
  if (typeof failure.syscall !== "string") throw error;
  return {
    code: "read-failed",
    message: `reading the input failed (${failure.code}); decoding stopped there`,
  };
}

/**
 * Standard output as the decoder writes it: waits when the reader is slower than the decoder, so
 * unread output does not pile up in memory, and notes when the reader has gone away (`… | head`).
 * A pipe's failed write reaches only the write's callback: the stream itself stays "writable".
 */
class Output {
  gone = false;

  constructor(private readonly out: Writable) {}

  async write(text: string): Promise<void> {
    if (this.gone) return;
    const flushed = this.out.write(text, (error) => {
      if (error) this.gone = true;
    });
    if (flushed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off("drain", done);
        this.out.off("close", done);
        this.out.off("error", done);
        resolve();
      };
      this.out.on("drain", done);
      this.out.on("close", done);
      this.out.on("error", done);
    });
  }
}

function parseOptions(values: ArgValues<typeof OPTIONS>) {
  if (values.hex !== undefined && values.file !== undefined)
    throw new UsageError("give --hex or --file, not both");
  const layout = resolveLayoutName(values.layout);
  if (layout === undefined) throw new UsageError(`--layout must be one of ${LAYOUT_NAMES.join(", ")}`);
  if (!(PROTOCOLS as readonly string[]).includes(values.protocol)) {
    throw new UsageError(`--protocol must be one of ${PROTOCOLS.join(", ")}`);
  }
  if (values.format !== "json" && values.format !== "table")
    throw new UsageError("--format must be json or table");
  return {
    help: values.help,
    hex: values.hex,
    file: values.file,
    key: keyOption("--key", values.key),
    authKey: keyOption("--auth-key", values["auth-key"]),
    layout,
    protocol: values.protocol as Protocol,
    format: values.format as "json" | "table",
  };
}

/** Keys are secrets: the message says what is wrong with the form, never what was given. */
function keyOption(flag: string, value: string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const compact = value.replace(/\s+/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(compact)) {
    throw new UsageError(
      `${flag} must be 32 hexadecimal digits (16 bytes); the value given has ${compact.length} characters`,
    );
  }
  return Uint8Array.from(Buffer.from(compact, "hex"));
}

/** The capture's bytes, in chunks; a source that cannot be read is a usage error. */
async function captureInput(options: Options): Promise<AsyncIterable<Uint8Array>> {
  if (options.hex !== undefined) {
    if (options.hex.trim() === "") throw new UsageError("--hex is empty: give the capture as hex digits");
    const bytes = parseHexText(options.hex);
    if (!bytes)
      throw new UsageError("--hex must be an even number of hexadecimal digits (whitespace allowed)");
    return once(bytes);
  }
  if (options.file !== undefined) return captureChunks(await fileChunks(options.file));
  if (process.stdin.isTTY) throw new UsageError("no input: give --hex, --file, or pipe bytes on stdin");
  return captureChunks(process.stdin);
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
