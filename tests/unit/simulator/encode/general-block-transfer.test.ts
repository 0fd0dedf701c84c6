import { describe, expect, it } from "vitest";
import { encodeGbtBlock, splitIntoBlocks } from "../../../../src/simulator/encode/general-block-transfer.js";
import { toHex } from "../captures.js";

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);

describe("General Block Transfer splitter", () => {
  it("fills every block to capacity with a splittable run", () => {
    const blocks = splitIntoBlocks([{ bytes: bytes(25, 1), keepWhole: false }], { first: 7, following: 10 });
    expect(blocks.map((block) => block.length)).toEqual([7, 10, 8]);
  });

  it("moves a piece to the next block rather than split it when it must stay whole", () => {
    const blocks = splitIntoBlocks(
      [
        { bytes: bytes(4, 1), keepWhole: true },
        { bytes: bytes(4, 2), keepWhole: true },
        { bytes: bytes(5, 3), keepWhole: false },
      ],
      { first: 6, following: 6 },
    );
    expect(blocks.map(toHex)).toEqual(["01010101", "020202020303", "030303"]);
  });

  it("splits a whole piece only when it is larger than an empty block", () => {
    const blocks = splitIntoBlocks([{ bytes: bytes(9, 1), keepWhole: true }], { first: 4, following: 4 });
    expect(blocks.map((block) => block.length)).toEqual([4, 4, 1]);
  });

  it("writes the header: E0, 40 streaming or C0 last, block number, ack 0000, length", () => {
    expect(toHex(encodeGbtBlock(Uint8Array.of(0xaa, 0xbb), 1, false))).toBe("E04000010000" + "02AABB");
    expect(toHex(encodeGbtBlock(Uint8Array.of(0xaa), 0x0104, true))).toBe("E0C001040000" + "01AA");
  });

  it("refuses block number 0 and capacities beyond a one-byte length", () => {
    expect(() => encodeGbtBlock(new Uint8Array(1), 0, true)).toThrow(RangeError);
    expect(() => splitIntoBlocks([], { first: 128, following: 10 })).toThrow(RangeError);
  });
});
