/**
 * Builds the panel into dist/panel, where the add-on's web server serves it. `base: "./"` makes every
 * asset URL relative, so the page works under Home Assistant's ingress prefix (the server adds
 * <base href>) and through Nabu Casa; nothing is fetched from a CDN.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("../../dist/panel", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // One request less on the first load; the browser needs no polyfill for module preload.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
