/**
 * `e450 decode` on large hostile input: issues of one kind are counted, not listed, so the output
 * stays small however many frames were thrown away; large captures, raw or hex text, are read and
 * written piece by piece. Speed and memory are measured in bench/decode-hostile.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { REAL_FRAMES } from "../../helpers/real-frames.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;
const folder = mkdtempSync(join(tmpdir(), "e450-decode-hostile-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function decode(args: string[], input?: Uint8Array) {
  const result = spawnSync(process.execPath, [CLI, "decode", ...args], {
    input: input ?? "",
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** How many frames the stream decoder itself throws away, by issue code, counted as they come. */
function discardsCounted(bytes: Uint8Array): Map<string, number> {
  const decoder = new StreamDecoder();
  const counts = new Map<string, number>();
  const count = (events: ReturnType<StreamDecoder["push"]>) => {
    for (const event of events)
      if (event.kind === "issue") counts.set(event.issue.code, (counts.get(event.issue.code) ?? 0) + 1);
  };
  for (let at = 0; at < bytes.length; at += 65_536) count(decoder.push(bytes.subarray(at, at + 65_536), 0));
  count(decoder.finish(0));
  return counts;
}

describe("e450 decode on 2 MB of repeated 7E A7 FF", () => {
  const hostile = Buffer.from("7EA7FF".repeat(699_050), "hex");
  const file = join(folder, "hostile.bin");
  writeFileSync(file, hostile);
  const expected = discardsCounted(hostile).get("frame-hcs")!;

  it("counts the discarded frames in one issue and keeps the document small", () => {
    expect(expected).toBeGreaterThan(690_000);
    for (const result of [decode(["--file", file]), decode([], hostile)]) {
      expect(result.code).toBe(1);
      expect(result.stdout.length).toBeLessThan(2_000);
      const document = JSON.parse(result.stdout);
      expect(document.snapshots).toEqual([]);
      expect(document.issues).toEqual([
        {
          code: "frame-hcs",
          message: "frame discarded (hcs: header check sequence mismatch)",
          count: expected,
          examples: ["frame discarded (hcs: header check sequence mismatch)"],
        },
        expect.objectContaining({
          code: "no-frame",
          message: `no frame found in ${hostile.length} bytes: ${expected} frames with a bad header checksum (hdlc hcs); the rest noise`,
        }),
      ]);
      expect(document.summary).toEqual({
        bytes: hostile.length,
        frames: 0,
        snapshots: 0,
        rejected: { hcs: expected },
      });
    }
  });

  it("says the count in the table too", () => {
    const { code, stdout } = decode(["--file", file, "--format", "table"]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `  [frame-hcs] frame discarded (hcs: header check sequence mismatch) (${expected} times)\n`,
    );
    expect(stdout.length).toBeLessThan(2_000);
  });
});

describe("e450 decode on a long capture", () => {
  it("decodes every push of a hex text capture larger than the part that decides it is hex", () => {
    const pushes = 200;
    const text = Array.from(
      { length: pushes },
      (_, i) => `# push ${i + 1}\n${ekz.payload.replace(/(.{64})/g, "$1\n")}\n`,
    );
    const file = join(folder, "long.hex");
    writeFileSync(file, text.join(""));
    expect(text.join("").length).toBeGreaterThan(3 * 64 * 1024);
    const { code, stdout } = decode(["--file", file]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.snapshots).toHaveLength(pushes);
    expect(document.summary).toMatchObject({ bytes: (ekz.payload.length / 2) * pushes, snapshots: pushes });
    expect(document.issues).toEqual([]);
  });

  it("stops at the first byte of a hex text capture that is no hex text, keeping what came before", () => {
    const head = `${ekz.payload}\n`.repeat(200);
    const file = join(folder, "broken.hex");
    writeFileSync(file, `${head}ZZ\n${ekz.payload}\n`);
    const { code, stdout } = decode(["--file", file]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.snapshots).toHaveLength(200);
    expect(document.issues).toEqual([
      expect.objectContaining({
        code: "bad-hex-text",
        message: `the input began as hex text, but byte ${head.length} ("Z") is no hex digit, separator or comment; decoding stopped there`,
      }),
    ]);
  });
});
