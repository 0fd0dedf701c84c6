/**
 * The built panel (dist/panel, made by `npm run build`, which `npm test` runs first): under 250 KB
 * gzip-compressed in total (issue 10), every URL relative so it works under the ingress prefix,
 * and nothing loaded from elsewhere.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const PANEL = fileURLToPath(new URL("../../../dist/panel/", import.meta.url));
const BUDGET_BYTES = 250 * 1024;

function files(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

describe("built panel", () => {
  if (!existsSync(PANEL)) throw new Error(`${PANEL} is missing: run \`npm run build\` first`);
  const built = files(PANEL);
  const html = readFileSync(join(PANEL, "index.html"), "utf8");

  it("loads in under 250 KB compressed, all files together", () => {
    const compressed = built.reduce(
      (sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length,
      0,
    );
    expect(built.some((file) => file.endsWith(".js"))).toBe(true);
    expect(compressed).toBeLessThan(BUDGET_BYTES);
  });

  it("refers to its assets by relative URLs only", () => {
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    // "data:," is the empty icon, which keeps the browser from asking the server root for one.
    for (const url of urls) expect(url).toMatch(/^(?:\.\/assets\/|data:,$)/);
  });

  it("calls the API relative to the page, never from the server root or another host", () => {
    for (const file of built.filter((name) => /\.(js|css|html)$/.test(name))) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/["'`]\/api\//);
      expect(text, file).not.toMatch(/(?:src|href)=["']https?:/);
      expect(text, file).not.toMatch(/@import|url\(\s*["']?https?:/);
    }
  });
});
