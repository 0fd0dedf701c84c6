#!/usr/bin/env node
/**
 * Draws the add-on store's images next to config.yaml: icon.png (square, 128 × 128) and logo.png
 * (250 × 100), the sizes developers.home-assistant.io docs/apps/presentation.md recommends.
 *
 *   node scripts/generate-addon-images.mjs           writes both files
 *   node scripts/generate-addon-images.mjs --check   exits 1 unless the files hold exactly these pixels
 *
 * The icon is a meter dial around a lightning bolt; the logo adds "E450" on a seven-segment display.
 * Shapes are sampled 4 × 4 per pixel (anti-aliasing) and written as 8-bit RGBA PNG with node:zlib
 * only (PNG: RFC 2083 / W3C PNG 3rd edition; CRC-32 of ISO 3309), so nothing needs installing.
 * --check compares decoded pixels, not file bytes, since deflate output may differ between zlib versions.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync, inflateSync } from "node:zlib";

const ROOT = new URL("../", import.meta.url);
const SAMPLES = 4;

// ---- colours (sRGB, straight alpha 0…1)
const AMBER = [255, 193, 7, 1];
const WHITE = [255, 255, 255, 0.95];
const PANEL = [38, 50, 56, 1];
const UNLIT = [255, 193, 7, 0.13];

// ---- shapes: each is a predicate on a point, with its bounding box to skip most points quickly
function bounded(contains, left, top, right, bottom) {
  return (px, py) => px >= left && px <= right && py >= top && py <= bottom && contains(px, py);
}

function roundedRect(x, y, width, height, radius) {
  return bounded(
    (px, py) => {
      const dx = Math.max(x + radius - px, 0, px - (x + width - radius));
      const dy = Math.max(y + radius - py, 0, py - (y + height - radius));
      return dx * dx + dy * dy <= radius * radius;
    },
    x,
    y,
    x + width,
    y + height,
  );
}

function circle(cx, cy, radius) {
  const inside = (px, py) => (px - cx) ** 2 + (py - cy) ** 2 <= radius * radius;
  return bounded(inside, cx - radius, cy - radius, cx + radius, cy + radius);
}

/** Even-odd rule over the polygon's edges. */
function polygon(points) {
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const inside = (px, py) => {
    let odd = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i];
      const [xj, yj] = points[j];
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) odd = !odd;
    }
    return odd;
  };
  return bounded(inside, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
}

/** A ring between two radii, open at the bottom like a meter's dial (gap of ±gapDegrees around 90°). */
function dial(cx, cy, inner, outer, gapDegrees) {
  const capRadius = (outer - inner) / 2;
  const middle = (outer + inner) / 2;
  const ends = [90 - gapDegrees, 90 + gapDegrees].map((degrees) => {
    const angle = (degrees * Math.PI) / 180;
    return circle(cx + middle * Math.cos(angle), cy + middle * Math.sin(angle), capRadius);
  });
  const inside = (px, py) => {
    const distance = Math.hypot(px - cx, py - cy);
    if (distance >= inner && distance <= outer) {
      const degrees = (Math.atan2(py - cy, px - cx) * 180) / Math.PI;
      if (Math.abs(degrees - 90) >= gapDegrees) return true;
    }
    return ends.some((end) => end(px, py));
  };
  return bounded(inside, cx - outer, cy - outer, cx + outer, cy + outer);
}

// ---- the icon's scene in a 128 × 128 box, placed at (x, y) and scaled
function iconLayers(x, y, scale) {
  const at = (points) => points.map(([px, py]) => [x + px * scale, y + py * scale]);
  const tile = roundedRect(x, y, 128 * scale, 128 * scale, 24 * scale);
  const top = [30, 136, 229];
  const bottom = [13, 71, 161];
  const gradient = (_px, py) => {
    const t = Math.min(Math.max((py - y) / (128 * scale), 0), 1);
    return [...top.map((value, i) => value + (bottom[i] - value) * t), 1];
  };
  const bolt = polygon(
    at([
      [68, 30],
      [44, 68],
      [60, 68],
      [54, 98],
      [84, 56],
      [68, 56],
      [80, 30],
    ]),
  );
  return [
    { shape: tile, paint: gradient },
    { shape: dial(x + 64 * scale, y + 64 * scale, 39 * scale, 46 * scale, 38), paint: WHITE },
    { shape: bolt, paint: AMBER },
  ];
}

// ---- seven-segment digits
const SEGMENTS = { E: "adefg", 4: "bcfg", 5: "acdfg", 0: "abcdef" };

/** A segment as a hexagon with pointed ends, from (x0, y0) to (x1, y1) along one axis. */
function segment(x0, y0, x1, y1, thickness) {
  const half = thickness / 2;
  if (y0 === y1) {
    return [
      [x0, y0],
      [x0 + half, y0 - half],
      [x1 - half, y0 - half],
      [x1, y0],
      [x1 - half, y0 + half],
      [x0 + half, y0 + half],
    ];
  }
  return [
    [x0, y0],
    [x0 + half, y0 + half],
    [x0 + half, y1 - half],
    [x0, y1],
    [x0 - half, y1 - half],
    [x0 - half, y0 + half],
  ];
}

function digitLayers(character, x, y, width, height, thickness) {
  const half = thickness / 2;
  const gap = 1;
  const left = x + half;
  const right = x + width - half;
  const rows = [y + half, y + height / 2, y + height - half];
  const outline = {
    a: segment(left + gap, rows[0], right - gap, rows[0], thickness),
    g: segment(left + gap, rows[1], right - gap, rows[1], thickness),
    d: segment(left + gap, rows[2], right - gap, rows[2], thickness),
    f: segment(left, rows[0] + gap, left, rows[1] - gap, thickness),
    b: segment(right, rows[0] + gap, right, rows[1] - gap, thickness),
    e: segment(left, rows[1] + gap, left, rows[2] - gap, thickness),
    c: segment(right, rows[1] + gap, right, rows[2] - gap, thickness),
  };
  // A slight italic, as on a meter's LCD.
  const skew = (points) => points.map(([px, py]) => [px + (y + height - py) * 0.1, py]);
  const lit = SEGMENTS[character];
  return Object.entries(outline).map(([name, points]) => ({
    shape: polygon(skew(points)),
    paint: lit.includes(name) ? AMBER : UNLIT,
  }));
}

function logoLayers() {
  const digits = [..."E450"].flatMap((character, index) =>
    digitLayers(character, 120 + index * 31, 31, 23, 38, 6),
  );
  return [
    ...iconLayers(2, 2, 96 / 128),
    { shape: roundedRect(108, 20, 140, 60, 10), paint: PANEL },
    ...digits,
  ];
}

// ---- rasterising: premultiplied "over" per sample, averaged per pixel
function render(width, height, layers) {
  const rows = Buffer.alloc(height * (1 + width * 4));
  for (let row = 0; row < height; row++) {
    const start = row * (1 + width * 4);
    rows[start] = 0; // PNG filter type None for every scanline
    for (let column = 0; column < width; column++) {
      let [red, green, blue, alpha] = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = column + (sx + 0.5) / SAMPLES;
          const py = row + (sy + 0.5) / SAMPLES;
          let sample = [0, 0, 0, 0];
          for (const { shape, paint } of layers) {
            if (!shape(px, py)) continue;
            const [r, g, b, a] = typeof paint === "function" ? paint(px, py) : paint;
            sample = [
              r * a + sample[0] * (1 - a),
              g * a + sample[1] * (1 - a),
              b * a + sample[2] * (1 - a),
              a + sample[3] * (1 - a),
            ];
          }
          red += sample[0];
          green += sample[1];
          blue += sample[2];
          alpha += sample[3];
        }
      }
      const count = SAMPLES * SAMPLES;
      const coverage = alpha / count;
      const offset = start + 1 + column * 4;
      if (coverage > 0) {
        rows[offset] = Math.round(red / count / coverage);
        rows[offset + 1] = Math.round(green / count / coverage);
        rows[offset + 2] = Math.round(blue / count / coverage);
      }
      rows[offset + 3] = Math.round(coverage * 255);
    }
  }
  return rows;
}

// ---- PNG container
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function header(width, height) {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = 6; // colour type: RGBA
  return data; // compression 0, filter 0, interlace 0
}

function encodePng(width, height, rows) {
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header(width, height)),
    chunk("IDAT", deflateSync(rows, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The IHDR bytes and the inflated scanlines of a PNG, or a reason it cannot be compared. */
function decodePng(file) {
  if (!file.subarray(0, 8).equals(SIGNATURE)) return { problem: "not a PNG" };
  let offset = 8;
  let ihdr;
  const idat = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const body = file.subarray(offset + 4, offset + 8 + length);
    if (crc32(body) !== file.readUInt32BE(offset + 8 + length)) return { problem: "bad chunk CRC" };
    const type = body.subarray(0, 4).toString("latin1");
    if (type === "IHDR") ihdr = body.subarray(4);
    if (type === "IDAT") idat.push(body.subarray(4));
    offset += 12 + length;
  }
  if (ihdr === undefined) return { problem: "no IHDR" };
  return { ihdr, rows: inflateSync(Buffer.concat(idat)) };
}

const IMAGES = [
  { name: "icon.png", width: 128, height: 128, layers: () => iconLayers(0, 0, 1) },
  { name: "logo.png", width: 250, height: 100, layers: logoLayers },
];

const check = process.argv.includes("--check");
let stale = 0;
for (const { name, width, height, layers } of IMAGES) {
  const rows = render(width, height, layers());
  const target = new URL(name, ROOT);
  if (!check) {
    writeFileSync(target, encodePng(width, height, rows));
    console.log(`wrote ${name} (${width} × ${height})`);
    continue;
  }
  let committed;
  try {
    committed = decodePng(readFileSync(target));
  } catch (error) {
    committed = { problem: error.message };
  }
  const same =
    committed.problem === undefined &&
    committed.ihdr.equals(header(width, height)) &&
    committed.rows.equals(rows);
  if (!same) {
    stale++;
    console.error(
      `${name}: ${committed.problem ?? "pixels differ"}; run node scripts/generate-addon-images.mjs`,
    );
  }
}
if (check && stale === 0) console.log("icon.png and logo.png match the generator");
process.exitCode = stale === 0 ? 0 : 1;
