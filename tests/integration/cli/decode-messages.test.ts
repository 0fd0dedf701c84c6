/**
 * What `e450 decode` says when there is nothing to decode: its help, an unreadable file, empty input,
 * and bytes without a frame. Run against the built command, as users and scripts call it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SeededStream } from "../../../src/simulator/random.js";
import { REAL_FRAMES } from "../../helpers/real-frames.js";

const CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;

function decode(args: string[], input?: string | Uint8Array) {
  const result = spawnSync(process.execPath, [CLI, "decode", ...args], {
    input: input ?? "",
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folderWith(files: Record<string, string | Uint8Array>): string {
  const folder = mkdtempSync(join(tmpdir(), "e450-decode-"));
  folders.push(folder);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  return folder;
}

const hdlcTriples = (count: number) => Buffer.from("7EA7FF".repeat(count), "hex");

describe("e450 decode --help", () => {
  it("describes every option on its own line, as the other commands do", () => {
    const { code, stdout } = decode(["--help"]);
    expect(code).toBe(0);
    for (const option of ["--hex HEX", "--file PATH", "--key HEX32", "--auth-key HEX32", "--layout NAME"])
      expect(stdout).toMatch(new RegExp(`^  ${option} +\\S.{10,}$`, "m"));
    expect(stdout).toMatch(/^ {2}--protocol NAME +auto \| hdlc \| mbus \| iec62056-21 \(default auto/m);
    expect(stdout).toMatch(/^ {2}--format json\|table +json: /m);
    expect(stdout).toMatch(/^Exit code: 0 with at least one snapshot, 1 with none, 2 on /m);
  });
});

describe("e450 decode on input it cannot read", () => {
  it("refuses a missing file with exit 2 and one clean line, not a raw ENOENT", () => {
    const missing = join(folderWith({}), "missing.bin");
    const { code, stdout, stderr } = decode(["--file", missing]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`e450 decode: cannot read ${missing}: no such file\n`);
  });

  it("refuses a directory given as --file the same way", () => {
    const folder = folderWith({});
    const { code, stderr } = decode(["--file", folder]);
    expect(code).toBe(2);
    expect(stderr).toBe(`e450 decode: cannot read ${folder}: it is a directory\n`);
  });

  it.runIf(process.platform === "linux")(
    "says a file that opens but cannot be read failed, as an issue",
    () => {
      const { code, stdout, stderr } = decode(["--file", "/proc/self/mem"]);
      expect(code).toBe(1);
      expect(stderr).toBe("");
      expect(JSON.parse(stdout).issues).toEqual([
        expect.objectContaining({
          code: "read-failed",
          message: "reading the input failed (EIO); decoding stopped there",
        }),
      ]);
    },
  );
});

describe("e450 decode on empty input", () => {
  it("says the input was empty, for an empty stdin and an empty file (no data: exit 1)", () => {
    const empty = join(folderWith({ "empty.bin": "" }), "empty.bin");
    for (const result of [decode([]), decode(["--file", empty])]) {
      expect(result.code).toBe(1);
      const document = JSON.parse(result.stdout);
      expect(document.snapshots).toEqual([]);
      expect(document.issues).toEqual([
        {
          code: "empty-input",
          message: "the input was empty: no bytes to decode",
          count: 1,
          examples: ["the input was empty: no bytes to decode"],
        },
      ]);
      expect(document.summary).toEqual({ bytes: 0, frames: 0, snapshots: 0, rejected: {} });
    }
    expect(decode(["--format", "table"]).stdout).toBe(
      "no snapshot decoded\n\nissues:\n  [empty-input] the input was empty: no bytes to decode\n",
    );
  });

  it("treats an empty --hex as a command line it cannot run (exit 2)", () => {
    for (const hex of ["", "  "]) {
      const { code, stdout, stderr } = decode(["--hex", hex]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toBe("e450 decode: --hex is empty: give the capture as hex digits\n");
    }
  });
});

describe("e450 decode on bytes without a frame", () => {
  it("says how many bytes it saw and what it threw away, by reason with counts", () => {
    const { code, stdout } = decode(["--hex", hdlcTriples(10).toString("hex")]);
    expect(code).toBe(1);
    const document = JSON.parse(stdout);
    expect(document.issues.at(-1)).toMatchObject({
      code: "no-frame",
      message: "no frame found in 30 bytes: 8 frames with a bad header checksum (hdlc hcs); the rest noise",
    });
    expect(document.summary).toEqual({ bytes: 30, frames: 0, snapshots: 0, rejected: { hcs: 8 } });
  });

  it("calls bytes that never start a frame noise, in JSON and in the table", () => {
    const noise = new SeededStream(8).bytes(5000).map((byte) => (byte === 0x7e ? 0x00 : byte) & 0x7f);
    const file = join(folderWith({ "noise.bin": noise }), "noise.bin");
    const json = decode(["--file", file]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).issues.at(-1)).toMatchObject({
      code: "no-frame",
      message: "no frame found in 5000 bytes: only noise",
    });
    const table = decode(["--file", file, "--format", "table"]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain("  [no-frame] no frame found in 5000 bytes: only noise\n");
  });

  it("says which pushes were rejected when frames were found but no snapshot", () => {
    const steiermark = REAL_FRAMES.find((c) => c.id === "e450-at-enc-gbt-auth-1")!;
    const { code, stdout } = decode(["--hex", steiermark.payload]);
    expect(code).toBe(1);
    const document = JSON.parse(stdout);
    expect(document.issues.at(-1).code).toBe("no-snapshot");
    expect(document.issues.at(-1).message).toMatch(
      /^no snapshot decoded from \d+ bytes: \d+ frames found, 1 rejected as missing-key$/,
    );
  });

  it("keeps a frameless small capture as one bare APDU", () => {
    const apdu = REAL_FRAMES.find((c) => c.id === "kaifa-salzburg-raw-apdu")!;
    const { code, stdout } = decode(["--hex", apdu.payload]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.snapshots).toHaveLength(1);
    expect(document.summary).toMatchObject({ bytes: apdu.payload.length / 2, frames: 1, snapshots: 1 });
  });

  it("prints one table per snapshot and the issues after them, for a capture of several pushes", () => {
    const { code, stdout } = decode(
      ["--format", "table"],
      Buffer.from(ekz.payload.repeat(2) + "7EA7FF", "hex"),
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^snapshot 1: meter 1909113, time 2026-05-04T11:39:21 \(dlms-push\)\n/);
    expect(stdout).toMatch(/ A\n\nsnapshot 2: meter 1909113/);
    expect(stdout).toMatch(/ A\n\nissues:\n {2}\[frame-truncated\] /);
    expect(stdout).not.toContain("no snapshot decoded");
  });
});

describe("e450 decode --layout", () => {
  it("takes the add-on's older layout names as the names they stand for", () => {
    const named = decode(["--hex", ekz.payload, "--layout", "push-object-list"]);
    expect(named.code).toBe(0);
    const alias = decode(["--hex", ekz.payload, "--layout", "swiss-push-list"]);
    expect(alias).toEqual(named);
  });
});
