/**
 * The input of `e450 decode`, read in chunks so that its size does not set the memory used: raw bytes,
 * or hex text as people paste it (the rules of transport/capture-file.ts, applied incrementally).
 */
import { fileErrorReason } from "../util/file-error.js";
import { type FileHandle, open } from "node:fs/promises";

/** A command line the command cannot run: exit 2. */
export class UsageError extends Error {}

/** Input that began as hex text and stopped being hex text part-way. */
export class HexTextError extends Error {}

/**
 * How much of the input decides between hex text and raw bytes. A whole capture this small is judged
 * exactly as capture-file.ts judges it; a larger one that starts as hex text must stay hex text.
 */
export const HEX_DECISION_BYTES = 64 * 1024;

const READ_CHUNK_BYTES = 64 * 1024;

/** The bytes of a file, or a usage error that names the file and the reason in words. */
export async function fileChunks(path: string): Promise<AsyncIterable<Uint8Array>> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${fileErrorReason(error)}`);
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new UsageError(`cannot read ${path}: it is a directory`);
  }
  return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
}

/**
 * The capture's bytes from the raw input: hex text is turned into its bytes, anything else passes as
 * it is. Throws HexTextError when input judged to be hex text stops being it (after its bytes so far).
 */
export async function* captureChunks(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = input[Symbol.asyncIterator]();
  try {
    const start: Uint8Array[] = [];
    let size = 0;
    let ended = false;
    while (size < HEX_DECISION_BYTES && !ended) {
      const next = await iterator.next();
      if (next.done) ended = true;
      else {
        start.push(next.value);
        size += next.value.length;
      }
    }
    const text = new HexText();
    const decoded = start.map((chunk) => text.push(chunk));
    const last = ended ? text.end() : new Uint8Array(0);
    if (text.problem !== "") {
      yield* start;
      if (ended) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      return;
    }
    yield* decoded;
    yield last;
    if (ended) return;
    for (let next = await iterator.next(); !next.done && text.problem === ""; next = await iterator.next())
      yield text.push(next.value);
    yield text.end();
    if (text.problem !== "") throw new HexTextError(`the input began as hex text, but ${text.problem}`);
  } finally {
    await iterator.return?.();
  }
}

const SEPARATORS: ReadonlySet<number> = new Set([..." \t\r\n:,-"].map((char) => char.charCodeAt(0)));
const HASH = 0x23;
const SEMICOLON = 0x3b;
const SLASH = 0x2f;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const ZERO = 0x30;

/**
 * Hex text fed in pieces, with the rules of capture-file.ts's parseHexText: comments (`#`, `//`, `;`)
 * to the end of the line, separators (whitespace, `:`, `,`, `-`) and `0x` prefixes dropped, only
 * printable ASCII, tab and line ends allowed. A piece may end anywhere, even inside `//` or `0x` or
 * between the two digits of a byte, so the state between pieces is: inside a comment, a pending
 * `/`, the last digit (it may still be the `0` of a `0x`) and a byte's first digit.
 */
export class HexText {
  /** Why the text is not hex text; empty while it is. Once set, nothing more is decoded. */
  problem = "";
  private offset = 0;
  private digits = 0;
  private inComment = false;
  private slash = false;
  /** The last digit seen, not yet used: a following `x` makes it part of a prefix instead. */
  private lastDigit = -1;
  private highNibble = -1;

  /** The bytes this piece completes, up to the first character that is not hex text. */
  push(piece: Uint8Array): Uint8Array {
    const out = new Uint8Array((piece.length >> 1) + 1);
    let length = 0;
    for (let i = 0; i < piece.length && this.problem === ""; i++, this.offset++) {
      const char = piece[i]!;
      if (!isText(char))
        this.fail(`byte ${this.offset} (0x${char.toString(16).padStart(2, "0")}) is not text`);
      else if (this.inComment) this.inComment = char !== LINE_FEED && char !== CARRIAGE_RETURN;
      else if (this.slash) {
        this.slash = false;
        if (char === SLASH) this.inComment = true;
        else this.fail(`byte ${this.offset - 1} is a "/" that starts no "//" comment`);
      } else if (char === HASH || char === SEMICOLON) this.inComment = true;
      else if (char === SLASH) this.slash = true;
      else if (SEPARATORS.has(char)) {
        // nothing to keep
      } else if (char === 0x78 || char === 0x58) {
        if (this.lastDigit === ZERO) this.lastDigit = -1;
        else this.fail(`byte ${this.offset} is an "x" without a "0" before it`);
      } else if (nibble(char) < 0) {
        this.fail(
          `byte ${this.offset} ("${String.fromCharCode(char)}") is no hex digit, separator or comment`,
        );
      } else {
        const byte = this.take();
        if (byte >= 0) out[length++] = byte;
        this.lastDigit = char;
      }
    }
    return out.subarray(0, length);
  }

  /** The last byte, if the last digit completes one; sets `problem` when the text ends as no hex text may. */
  end(): Uint8Array {
    const byte = this.take();
    this.lastDigit = -1;
    if (this.problem === "") {
      if (this.slash) this.fail(`byte ${this.offset - 1} is a "/" that starts no "//" comment`);
      else if (this.highNibble >= 0) this.fail("it ends with an odd number of hex digits");
      else if (this.digits === 0) this.fail("it has no hex digits");
    }
    return byte >= 0 ? Uint8Array.of(byte) : new Uint8Array(0);
  }

  /** Uses the pending last digit: the completed byte, or -1 when it is a byte's first digit (or none). */
  private take(): number {
    if (this.lastDigit < 0) return -1;
    this.digits++;
    const value = nibble(this.lastDigit);
    if (this.highNibble < 0) {
      this.highNibble = value;
      return -1;
    }
    const byte = (this.highNibble << 4) | value;
    this.highNibble = -1;
    return byte;
  }

  private fail(problem: string): void {
    this.problem = problem;
  }
}

/** Printable ASCII, tab and line ends: what a hex capture may hold. */
function isText(char: number): boolean {
  return char === 0x09 || char === LINE_FEED || char === CARRIAGE_RETURN || (char >= 0x20 && char < 0x7f);
}

function nibble(char: number): number {
  if (char >= 0x30 && char <= 0x39) return char - 0x30;
  if (char >= 0x41 && char <= 0x46) return char - 0x37;
  if (char >= 0x61 && char <= 0x66) return char - 0x57;
  return -1;
}
