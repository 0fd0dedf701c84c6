/**
 * The pieces `e450 decode` streams with: the capture decoder fed in chunks, issues counted by kind,
 * the reason a capture gave no snapshot, and the JSON and table writers.
 */
import { describe, expect, it } from "vitest";
import { TableFormatter } from "../../../src/cli/table.js";
import { JsonDocumentFormatter, snapshotToJson } from "../../../src/cli/snapshot-json.js";
import {
  CaptureDecoder,
  decodeBytes,
  IssueTally,
  noSnapshotIssue,
  UNFRAMED_APDU_LIMIT,
} from "../../../src/reader/decode-bytes.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const ekz = REAL_FRAMES.find((c) => c.id === "e450-ch-ekz-vse2026-hdlc-gbt")!;
const bareApdu = REAL_FRAMES.find((c) => c.id === "kaifa-salzburg-raw-apdu")!;

function inChunks(bytes: Uint8Array, size: number, options = {}) {
  const decoder = new CaptureDecoder(options);
  const events = [];
  for (let at = 0; at < bytes.length; at += size) events.push(...decoder.push(bytes.subarray(at, at + size)));
  events.push(...decoder.finish());
  return { events, summary: decoder.summary() };
}

describe("CaptureDecoder", () => {
  it("gives the same snapshots and issues in any chunk size as decodeBytes over the whole capture", () => {
    for (const testCase of REAL_FRAMES.filter((c) => c.encoding === "hex")) {
      const bytes = caseBytes(testCase);
      const whole = decodeBytes(bytes, caseKeys(testCase));
      for (const size of [1, 7, 64, bytes.length]) {
        const { events } = inChunks(bytes, size, caseKeys(testCase));
        expect(events.flatMap((e) => (e.kind === "snapshot" ? [e.snapshot] : []))).toEqual(whole.snapshots);
        expect(events.flatMap((e) => (e.kind === "issue" ? [e.issue] : []))).toEqual(whole.issues);
      }
    }
  });

  it("decodes a small frameless capture as one bare APDU, whatever its chunks, and counts it", () => {
    const bytes = caseBytes(bareApdu);
    for (const size of [1, 100, bytes.length]) {
      const { events, summary } = inChunks(bytes, size);
      expect(events.filter((e) => e.kind === "snapshot")).toHaveLength(1);
      expect(events.filter((e) => e.kind === "issue")).toEqual([]);
      expect(summary).toEqual({ bytes: bytes.length, frames: 1, snapshots: 1, rejected: {} });
    }
  });

  it("keeps nothing back for a bare APDU once the capture is larger than the limit", () => {
    const bytes = Buffer.concat([caseBytes(bareApdu), Buffer.alloc(UNFRAMED_APDU_LIMIT)]);
    const decoder = new CaptureDecoder();
    decoder.push(bytes.subarray(0, 1000));
    decoder.push(bytes.subarray(1000));
    expect(decoder.finish().filter((e) => e.kind === "snapshot")).toEqual([]);
    expect(decoder.summary()).toMatchObject({ bytes: bytes.length, frames: 0, snapshots: 0 });
  });
});

describe("IssueTally", () => {
  it("keeps the first code and message of a kind, counts it, and the first three distinct messages", () => {
    const tally = new IssueTally();
    for (const message of ["a", "a", "b", "a", "c", "d", "b"]) tally.add({ code: "frame-bcc", message });
    tally.add({ code: "replay", message: "r" });
    expect(tally.entries()).toEqual([
      { code: "frame-bcc", message: "a", count: 7, examples: ["a", "b", "c"] },
      { code: "replay", message: "r", count: 1, examples: ["r"] },
    ]);
  });
});

describe("noSnapshotIssue", () => {
  it("says nothing when a snapshot was decoded", () => {
    expect(noSnapshotIssue({ bytes: 10, frames: 1, snapshots: 1, rejected: {} })).toBeNull();
  });

  it("names each discard reason with its count, in words and with the checksum's name", () => {
    expect(
      noSnapshotIssue({ bytes: 5000, frames: 0, snapshots: 0, rejected: { fcs: 1, crc16: 2, truncated: 1 } }),
    ).toEqual({
      code: "no-frame",
      message:
        "no frame found in 5000 bytes: 1 frame with a bad checksum (hdlc fcs), 2 frames with a bad checksum (p1 crc16), 1 frame cut short; the rest noise",
    });
    expect(noSnapshotIssue({ bytes: 1, frames: 0, snapshots: 0, rejected: {} })?.message).toBe(
      "no frame found in 1 byte: only noise",
    );
  });

  it("lists the rejections when frames were found", () => {
    expect(
      noSnapshotIssue({ bytes: 600, frames: 2, snapshots: 0, rejected: { "auth-failed": 2, bcc: 1 } }),
    ).toEqual({
      code: "no-snapshot",
      message:
        "no snapshot decoded from 600 bytes: 2 frames found, 2 rejected as auth-failed, also discarded: 1 frame with a bad block check character (iec 62056-21 bcc)",
    });
  });
});

describe("the streamed output", () => {
  const snapshots = decodeBytes(Buffer.concat([caseBytes(ekz), caseBytes(ekz)])).snapshots;
  const issues = [{ code: "frame-fcs", message: "m", count: 2, examples: ["m", "n"] }];
  const summary = { bytes: 1008, frames: 8, snapshots: 2, rejected: { fcs: 2 } };

  it("joins to exactly JSON.stringify of the whole document", () => {
    const json = new JsonDocumentFormatter();
    const text = [json.start(), ...snapshots.map((s) => json.snapshot(s)), json.end(issues, summary)].join(
      "",
    );
    expect(text).toBe(`${JSON.stringify({ snapshots: snapshots.map(snapshotToJson), issues, summary })}\n`);
  });

  it("writes the tables, then the counted issues with their other examples", () => {
    const table = new TableFormatter();
    const text = [...snapshots.map((s) => table.snapshot(s)), table.end(issues)].join("");
    expect(text.match(/^snapshot \d: meter 1909113/gm)).toEqual([
      "snapshot 1: meter 1909113",
      "snapshot 2: meter 1909113",
    ]);
    expect(text).toMatch(/ A\n\nsnapshot 2: /);
    expect(text.endsWith(" A\n\nissues:\n  [frame-fcs] m (2 times)\n      also: n\n")).toBe(true);
    expect(new TableFormatter().end([])).toBe("no snapshot decoded\n");
  });
});
