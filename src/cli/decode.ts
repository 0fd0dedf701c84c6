/**
 * `e450 decode`: decode a captured byte stream and print one JSON document (a stable contract:
 * scripts and the golden decode test compare it field by field) or a table. Exit 0 with at least one snapshot, 1 with none, 2 on misuse.
 */
import { readFile } from "node:fs/promises";
import { decodeBytes } from "../reader/decode-bytes.js";
import { LAYOUT_NAMES } from "../dlms/layouts/detect.js";
import type { Snapshot } from "../model/snapshot.js";
import type { Protocol } from "../reader/stream-decoder.js";
import { captureBytes, parseHexText } from "../transport/capture-file.js";
import { type ArgValues, failUsage, parseCommandArgs } from "./args.js";
import { snapshotToJson } from "./snapshot-json.js";
import { formatTable } from "./table.js";

const USAGE = `usage: e450 decode [--hex HEX | --file PATH | < stdin] [--key HEX32] [--auth-key HEX32]
                   [--layout ${LAYOUT_NAMES.join("|")}] [--protocol auto|hdlc|mbus|iec62056-21]
                   [--format json|table]
`;

const PROTOCOLS: readonly Protocol[] = ["auto", "hdlc", "mbus", "iec62056-21"];

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

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs("e450 decode", argv, { options: OPTIONS });
  if (!args.ok) return failUsage(args.message, USAGE);
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args.values);
  } catch (error) {
    process.stderr.write(`e450 decode: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let bytes: Uint8Array;
  try {
    bytes = await inputBytes(parsed);
  } catch (error) {
    process.stderr.write(`e450 decode: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
  const result = decodeBytes(bytes, {
    ...(parsed.key ? { encryptionKey: parsed.key } : {}),
    ...(parsed.authKey ? { authenticationKey: parsed.authKey } : {}),
    layout: parsed.layout,
    protocol: parsed.protocol,
  });
  const snapshots = result.snapshots.map(snapshotToJson);
  if (parsed.format === "json") {
    process.stdout.write(`${JSON.stringify({ snapshots, issues: result.issues })}\n`);
  } else {
    process.stdout.write(formatTable(result.snapshots as Snapshot[], result.issues));
  }
  return result.snapshots.length > 0 ? 0 : 1;
}

function parseOptions(values: ArgValues<typeof OPTIONS>) {
  if (values.hex !== undefined && values.file !== undefined)
    throw new UsageError("give --hex or --file, not both");
  if (!(LAYOUT_NAMES as readonly string[]).includes(values.layout)) {
    throw new UsageError(`--layout must be one of ${LAYOUT_NAMES.join(", ")}`);
  }
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
    layout: values.layout,
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

async function inputBytes(options: {
  hex?: string | undefined;
  file?: string | undefined;
}): Promise<Uint8Array> {
  if (options.hex !== undefined) {
    const bytes = parseHexText(options.hex);
    if (!bytes)
      throw new UsageError("--hex must be an even number of hexadecimal digits (whitespace allowed)");
    return bytes;
  }
  if (options.file !== undefined) return captureBytes(new Uint8Array(await readFile(options.file)));
  if (process.stdin.isTTY) throw new UsageError("no input: give --hex, --file, or pipe bytes on stdin");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return captureBytes(new Uint8Array(Buffer.concat(chunks)));
}
