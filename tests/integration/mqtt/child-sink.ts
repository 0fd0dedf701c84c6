/**
 * Builds a throw-away copy of the MQTT sink as plain JavaScript (TypeScript's transpileModule, file by
 * file) so that a child `node` process can run the real sink and be killed with SIGKILL: the last
 * will is only published when a client vanishes without a DISCONNECT, which a test cannot fake
 * inside its own process.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
// The whole of src/: a sink module that starts importing another folder must not break this copy.
const FOLDERS = ["src"];

function typescriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const CHILD = `
import { EventBus } from "./src/bus/event-bus.js";
import { MqttSink } from "./src/sinks/mqtt/mqtt-sink.js";
const [port, baseTopic, dataDir] = process.argv.slice(2);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const sink = new MqttSink(
  { host: "127.0.0.1", port: Number(port), baseTopic, discoveryPrefix: baseTopic + "-ha", dataDir, softwareVersion: "test" },
  quiet,
);
sink.start(new EventBus(() => {}));
setInterval(() => {}, 60_000);
`;

/** The folder with child.mjs; run it as `node child.mjs <port> <baseTopic> <dataDir>`. */
export function buildChildSink(): string {
  const out = mkdtempSync(join(tmpdir(), "e450-child-"));
  for (const folder of FOLDERS) {
    for (const file of typescriptFiles(join(ROOT, folder))) {
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
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  writeFileSync(join(out, "child.mjs"), CHILD);
  return out;
}
