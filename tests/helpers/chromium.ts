/**
 * A real headless Chromium for the panel tests: Debian's `chromium` (scripts/install-test-deps.sh
 * installs it), driven by playwright-core, which brings no browser of its own.
 */
import { execFileSync } from "node:child_process";
import { type Browser, chromium } from "playwright-core";

function chromiumPath(): string {
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error("no chromium on PATH: run scripts/install-test-deps.sh");
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // The sandbox needs user namespaces that containers and root shells (CI) often lack.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}
