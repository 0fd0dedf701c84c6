/** The panel's files, index.html with the ingress prefix as its base, and the page shown before a build. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withBase } from "../../../src/web/panel.js";
import { type WebFixture, webFixture } from "./web-fixture.js";

const INDEX =
  '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="assets/main.js"></script></head><body></body></html>';

describe("the panel", () => {
  let web: WebFixture | undefined;
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  async function withPanel(): Promise<WebFixture> {
    const fixture = await webFixture({ panelDir: "/nonexistent" });
    await fixture.close();
    const folder = fixture.folder;
    mkdirSync(join(folder, "panel", "assets"), { recursive: true });
    writeFileSync(join(folder, "panel", "index.html"), INDEX);
    writeFileSync(join(folder, "panel", "assets", "main.js"), "export {};\n");
    return webFixture({ panelDir: join(folder, "panel") });
  }

  it("serves index.html at / with the ingress prefix as base, and the assets beside it", async () => {
    web = await withPanel();
    const plain = await web.app.inject("/");
    expect(plain.statusCode).toBe(200);
    expect(plain.headers["content-type"]).toMatch(/^text\/html/);
    expect(plain.body).toBe(INDEX);
    const ingress = await web.app.inject({
      url: "/",
      headers: { "x-ingress-path": "/api/hassio_ingress/AbC-123_x" },
    });
    expect(ingress.body).toContain(
      '<head><base href="/api/hassio_ingress/AbC-123_x/"><meta charset="utf-8">',
    );
    const asset = await web.app.inject("/assets/main.js");
    expect([asset.statusCode, asset.body]).toEqual([200, "export {};\n"]);
    const missing = await web.app.inject("/assets/none.js");
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, "not-found"]);
    expect((await web.app.inject("/api/meters")).statusCode).toBe(200);
  });

  it("puts no header text into the page that is not a plain path", () => {
    for (const hostile of [
      '/x"><script>alert(1)</script>',
      "javascript:alert(1)",
      "//evil.example/x",
      "/a b",
    ]) {
      expect(withBase(INDEX, hostile), hostile).not.toContain("<base");
    }
    expect(withBase(INDEX, ["/a", "/b"])).toBe(INDEX);
    expect(withBase(INDEX, "/api/hassio_ingress/t/")).toContain('<base href="/api/hassio_ingress/t/">');
  });

  it("says the panel is not built when dist/panel is missing, while the API works", async () => {
    web = await webFixture();
    const page = await web.app.inject("/");
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain("not built");
    expect((await web.app.inject("/api/meters")).statusCode).toBe(200);
  });
});
