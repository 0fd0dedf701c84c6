/** General Block Transfer reassembly: order, restart on block 1, duplicates, timeouts. */
import { describe, expect, it } from "vitest";
import { GbtReassembler, parseGbtBlock } from "../../../src/dlms/gbt.js";

const block = (number: number, last: boolean, ...data: number[]) => ({
  number,
  last,
  data: Uint8Array.from(data),
});

describe("parseGbtBlock", () => {
  it("reads the E450 block header: E0, control, block number u16, acknowledged block u16, length, data", () => {
    const parsed = parseGbtBlock(Uint8Array.of(0xe0, 0xc0, 0x00, 0x03, 0x00, 0x00, 0x02, 0xaa, 0xbb));
    expect(parsed).toEqual({ last: true, number: 3, data: Uint8Array.of(0xaa, 0xbb) });
  });

  it("rejects a block whose length runs past the end", () => {
    expect(() => parseGbtBlock(Uint8Array.of(0xe0, 0x40, 0, 1, 0, 0, 5, 1))).toThrow(
      expect.objectContaining({ code: "truncated" }),
    );
  });
});

describe("GbtReassembler", () => {
  it("joins blocks in order", () => {
    const gbt = new GbtReassembler();
    expect(gbt.push(block(1, false, 1), 0)).toEqual([{ kind: "pending" }]);
    expect(gbt.push(block(2, false, 2), 1000)).toEqual([{ kind: "pending" }]);
    expect(gbt.push(block(3, true, 3), 2000)).toEqual([{ kind: "apdu", apdu: Uint8Array.of(1, 2, 3) }]);
  });

  it("restarts on block 1 and reports the abandoned push", () => {
    const gbt = new GbtReassembler();
    gbt.push(block(1, false, 1), 0);
    const results = gbt.push(block(1, false, 9), 100);
    expect(results[0]).toMatchObject({ kind: "rejected", problem: "gbt-incomplete" });
    expect(gbt.push(block(2, true, 8), 200)).toEqual([{ kind: "apdu", apdu: Uint8Array.of(9, 8) }]);
  });

  it("never emits a push with a duplicated or reordered block", () => {
    const gbt = new GbtReassembler();
    const results = [
      block(1, false, 1),
      block(2, false, 2),
      block(2, false, 2),
      block(4, true, 4),
      block(3, false, 3),
    ].flatMap((b) => gbt.push(b, 0));
    expect(results.filter((r) => r.kind === "apdu")).toEqual([]);
    expect(
      results.filter((r) => r.kind === "rejected").map((r) => r.kind === "rejected" && r.problem),
    ).toEqual(["gbt-duplicate", "gbt-out-of-order", "gbt-out-of-order"]);
  });

  it("drops a push whose next block is overdue, and accepts blocks 3 s apart", () => {
    const gbt = new GbtReassembler(4000);
    gbt.push(block(1, false, 1), 0);
    expect(gbt.expire(3000)).toEqual([]);
    gbt.push(block(2, false, 2), 3000);
    expect(gbt.expire(7001)).toEqual([
      expect.objectContaining({ kind: "rejected", problem: "gbt-incomplete" }),
    ]);
    expect(gbt.push(block(3, true, 3), 7002)[0]).toMatchObject({
      kind: "rejected",
      problem: "gbt-out-of-order",
    });
  });
});
