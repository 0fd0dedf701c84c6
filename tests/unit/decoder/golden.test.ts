/**
 * Golden file of every real frame's full decode (all readings with names and units, and all issues),
 * so that a change anywhere in the path shows up as a reviewed diff of
 * tests/fixtures/real-frames/decoded.golden.json. UPDATE_GOLDEN=1 rewrites it after a deliberate change.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { snapshotToJson } from "../../../src/cli/snapshot-json.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const GOLDEN = fileURLToPath(new URL("../../fixtures/real-frames/decoded.golden.json", import.meta.url));

function decodeAll(): Record<string, unknown> {
  return Object.fromEntries(
    REAL_FRAMES.map((testCase) => {
      const result = decodeBytes(caseBytes(testCase), caseKeys(testCase));
      return [testCase.id, { snapshots: result.snapshots.map(snapshotToJson), issues: result.issues }];
    }),
  );
}

describe("decoded real frames (golden file)", () => {
  it("match the reviewed decode of every case", () => {
    const actual = decodeAll();
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 1)}\n`);
    expect(existsSync(GOLDEN), "the golden file is missing: run with UPDATE_GOLDEN=1 and review it").toBe(
      true,
    );
    expect(actual).toEqual(JSON.parse(readFileSync(GOLDEN, "utf8")));
  });
});
