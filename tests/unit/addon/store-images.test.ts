/**
 * icon.png and logo.png, which the add-on store shows (developers.home-assistant.io
 * docs/apps/presentation.md "App icon & logo": PNG, icon 1:1 at about 128 × 128, logo about 250 × 100).
 * Both are drawn by scripts/generate-addon-images.mjs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, repoPath } from "./repo-files.js";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Header {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
}

/** PNG (W3C PNG 3rd edition §5.2–5.3, §11.2.1): the signature, then IHDR as the first chunk. */
function readHeader(file: Buffer): Header {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG: wrong signature");
  if (file.subarray(12, 16).toString("latin1") !== "IHDR") throw new Error("not a PNG: IHDR is not first");
  return {
    width: file.readUInt32BE(16),
    height: file.readUInt32BE(20),
    bitDepth: file[24]!,
    colourType: file[25]!,
  };
}

/** The alpha channel of an 8-bit RGBA PNG written with filter type 0 (what the generator writes). */
function alphaValues(file: Buffer, { width, height }: Header): number[] {
  const idat: Buffer[] = [];
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset);
    if (file.subarray(offset + 4, offset + 8).toString("latin1") === "IDAT") {
      idat.push(file.subarray(offset + 8, offset + 8 + length));
    }
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const alpha: number[] = [];
  for (let row = 0; row < height; row++) {
    const start = row * (1 + width * 4);
    expect(rows[start], `filter of row ${row}`).toBe(0);
    for (let column = 0; column < width; column++) alpha.push(rows[start + 1 + column * 4 + 3]!);
  }
  return alpha;
}

describe.each([
  { name: "icon.png", width: 128, height: 128 },
  { name: "logo.png", width: 250, height: 100 },
])("$name", ({ name, width, height }) => {
  const file = readFileSync(repoPath(name));
  const header = readHeader(file);

  it(`is a ${width} × ${height} RGBA PNG`, () => {
    expect(header).toEqual({ width, height, bitDepth: 8, colourType: 6 });
  });

  it("is drawn, not blank: opaque shapes on transparent corners", () => {
    const alpha = alphaValues(file, header);
    expect(alpha[0]).toBe(0); // top-left corner outside the rounded tile
    expect(alpha.filter((value) => value === 255).length).toBeGreaterThan((width * height) / 3);
  });
});

describe("the images' generator", () => {
  it("reproduces exactly the pixels of icon.png and logo.png (--check)", () => {
    const result = spawnSync(process.execPath, ["scripts/generate-addon-images.mjs", "--check"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("reads the header it checks (a non-PNG is refused)", () => {
    expect(() => readHeader(Buffer.from("GIF89a........................"))).toThrow(/signature/);
  });
});
