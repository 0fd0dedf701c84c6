/**
 * A child `node` process that writes to the real history store in a loop until it is killed, so a
 * test can SIGKILL it mid-transaction (a kill inside the test's own process is not possible). The
 * store is copied as plain JavaScript with TypeScript's transpileModule, file by file, so the test
 * runs the current source without waiting for `npm run build`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const CRASH_METER = "crash-meter";
export const BATCH = 96;
export const QUARTER_MS = 900_000;
export const FIRST_START_MS = Date.UTC(2025, 0, 1);

/**
 * Continues from the stored register state, writes one day (96 intervals and the state they lead to)
 * per transaction, and prints the end of each committed day on its own line. An interval's energy
 * is a pure function of its start, so the test can recompute every row and the running totals.
 */
const CHILD = `
import { HistoryStore } from "./src/store/history-store.js";
const [file] = process.argv.slice(2);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const store = HistoryStore.open(file, quiet);
const state = store.registerState(${JSON.stringify(CRASH_METER)});
let t = state ? state.timeMs : ${FIRST_START_MS};
let total = state ? state.importKwh : 0;
for (;;) {
  const intervals = [];
  for (let i = 0; i < ${BATCH}; i++) {
    const importKwh = ((t / ${QUARTER_MS}) % 7) / 100 + 0.01;
    intervals.push({ startMs: t, endMs: t + ${QUARTER_MS}, importKwh, exportKwh: 0, source: "live", tariffs: { "1.8.1": importKwh } });
    total += importKwh;
    t += ${QUARTER_MS};
  }
  store.writeIntervals(${JSON.stringify(CRASH_METER)}, intervals, { timeMs: t, importKwh: total, exportKwh: 0, tariffs: { "1.8.1": total } });
  process.stdout.write(t + "\\n");
}
`;

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The folder with child.mjs; run it as `node child.mjs <store file>`. */
export function buildCrashWriter(): string {
  const out = mkdtempSync(join(tmpdir(), "e450-crash-writer-"));
  // The whole of src/: a store module that starts importing another folder must not break this copy.
  for (const file of typescriptFiles(join(ROOT, "src"))) {
    const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  writeFileSync(join(out, "child.mjs"), CHILD);
  return out;
}

/** The energy the child writes for the interval starting at `startMs`. */
export function expectedImport(startMs: number): number {
  return ((startMs / QUARTER_MS) % 7) / 100 + 0.01;
}
