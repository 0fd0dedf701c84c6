/**
 * Layering of src/ (ARCHITECTURE.md, "Sans-IO core, thin I/O shell"), checked on the import graph
 * read by the TypeScript parser. The checker is in import-graph.ts; the
 * self-tests at the end feed it synthetic trees, so this file cannot pass by reading nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkImportGraph,
  describeEdge,
  describeViolation,
  type ImportGraphReport,
  type RuleName,
} from "./import-graph.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * Folder edges that lie on a cycle between top-level folders of src/ today. This list may only
 * shrink: a cycle edge missing from it fails the test (a new cycle), and so does an entry that is no
 * longer on a cycle (delete it, so the cycle cannot come back unnoticed).
 */
const KNOWN_FOLDER_CYCLE_EDGES: readonly string[] = [];

function readSourceTree(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(`${REPO_ROOT}${relative}`, { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && entry.name.endsWith(".ts")) {
        files.set(path, readFileSync(`${REPO_ROOT}${path}`, "utf8"));
      }
    }
  };
  walk("src");
  return files;
}

function violationsOf(report: ImportGraphReport, rule: RuleName): string[] {
  return report.violations.filter((violation) => violation.rule === rule).map(describeViolation);
}

function describeCycles(report: ImportGraphReport, names: readonly string[]): string {
  const { components, cycleEdges } = report.folderCycles;
  const lines = components.map((component) => `cycle among: ${component.join(", ")}`);
  for (const name of names) {
    lines.push(`${name}`, ...(cycleEdges.get(name) ?? []).map((edge) => `    ${describeEdge(edge)}`));
  }
  return lines.join("\n");
}

describe("import graph of src/", () => {
  const tree = readSourceTree();
  const report = checkImportGraph(tree, { knownFolderCycleEdges: KNOWN_FOLDER_CYCLE_EDGES });

  it("reads the whole tree", () => {
    expect(report.files).toBeGreaterThan(100);
    expect(report.edges.some((edge) => edge.from === "src/cli.ts" && edge.kind === "dynamic")).toBe(true);
  });

  it("can follow every import (relative paths resolve, dynamic imports take a literal)", () => {
    const found = violationsOf(report, "analysable");
    expect(found, `unanalysable imports:\n${found.join("\n")}`).toEqual([]);
  });

  it("keeps the core (framing, dlms, iec62056, obis, model, reader, inspect) free of the shell and of I/O, transitively", () => {
    const found = violationsOf(report, "sans-io-core");
    expect(found, `core file → forbidden import:\n${found.join("\n")}`).toEqual([]);
  });

  it("keeps model/ the lowest layer: it imports only model/", () => {
    const found = violationsOf(report, "model-is-lowest");
    expect(found, `model/ file → import from outside model/:\n${found.join("\n")}`).toEqual([]);
  });

  it("keeps logging/ independent of config/, transitively", () => {
    const found = violationsOf(report, "logging-without-config");
    expect(found, `logging/ file → config/:\n${found.join("\n")}`).toEqual([]);
  });

  it("has no new import cycle between top-level folders", () => {
    const { newEdges } = report.folderCycles;
    expect(newEdges, `new folder cycle edges:\n${describeCycles(report, newEdges)}`).toEqual([]);
  });

  it("notices a violation planted in the real tree", () => {
    const planted = new Map(tree);
    const file = "src/obis/registry.ts";
    planted.set(file, `${planted.get(file)}\nimport "../util/atomic-write.js";\n`);
    const found = violationsOf(checkImportGraph(planted), "sans-io-core");
    expect(found).toContain(
      `${file} → src/util/atomic-write.ts → node:fs   [src/util/atomic-write.ts:1 import "node:fs"]`,
    );
  });

  it("keeps the known-cycle allow-list no longer than the cycles it excuses", () => {
    const { staleEdges } = report.folderCycles;
    expect(staleEdges, "no longer on a cycle: remove from KNOWN_FOLDER_CYCLE_EDGES").toEqual([]);
  });
});

describe("import-graph checker (self-test on synthetic trees)", () => {
  const check = (files: Record<string, string>, known: readonly string[] = []) =>
    checkImportGraph(new Map(Object.entries(files)), { knownFolderCycleEdges: known });
  const listed = (files: Record<string, string>) => check(files).violations.map(describeViolation);
  const listedBy = (rule: RuleName, files: Record<string, string>) =>
    check(files)
      .violations.filter((violation) => violation.rule === rule)
      .map(describeViolation);

  it("reports a core file that reaches node:fs through a neutral folder, and nothing else", () => {
    const report = check({
      "src/framing/frame.ts": 'import { store } from "../util/store.js";\nexport const f = store;\n',
      "src/util/store.ts": 'import { writeFileSync } from "node:fs";\nexport const store = writeFileSync;\n',
      "src/model/bytes.ts": "export type Bytes = Uint8Array;\n",
    });
    expect(report.violations.map(describeViolation)).toEqual([
      'src/framing/frame.ts → src/util/store.ts → node:fs   [src/util/store.ts:1 import "node:fs"]',
    ]);
  });

  it("reports direct imports of the shell, of unclassified folders and of packages, in every import form", () => {
    expect(
      listed({
        "src/reader/a.ts": [
          'import type { Options } from "../config/options.js";',
          'export { run } from "../meter/pipeline.js";',
          'const load = () => import("../sinks/mqtt/index.js");',
          'import { SerialPort } from "serialport";',
          'import { createCipheriv } from "node:crypto";',
          'type Server = import("../web/server.js").Server;',
          'import { bus } from "../bus/event-bus.js";',
          'import { version } from "../version.js";',
          'import { log } from "../logging/logger.js";',
          'import { backoff } from "../util/backoff.js";',
        ].join("\n"),
        "src/config/options.ts": "export interface Options {}\n",
        "src/meter/pipeline.ts": "export const run = 1;\n",
        "src/sinks/mqtt/index.ts": "export {};\n",
        "src/web/server.ts": "export interface Server {}\n",
        "src/bus/event-bus.ts": "export const bus = 1;\n",
        "src/version.ts": "export const version = 1;\n",
        "src/logging/logger.ts": "export const log = 1;\n",
        "src/util/backoff.ts": "export const backoff = 1;\n",
      }),
    ).toEqual([
      'src/reader/a.ts → src/config/options.ts   [src/reader/a.ts:1 import (type) "../config/options.js"]',
      'src/reader/a.ts → src/meter/pipeline.ts   [src/reader/a.ts:2 export "../meter/pipeline.js"]',
      'src/reader/a.ts → src/sinks/mqtt/index.ts   [src/reader/a.ts:3 dynamic "../sinks/mqtt/index.js"]',
      'src/reader/a.ts → serialport   [src/reader/a.ts:4 import "serialport"]',
      'src/reader/a.ts → node:crypto   [src/reader/a.ts:5 import "node:crypto"]',
      'src/reader/a.ts → src/web/server.ts   [src/reader/a.ts:6 import-type (type) "../web/server.js"]',
      'src/reader/a.ts → src/bus/event-bus.ts   [src/reader/a.ts:7 import "../bus/event-bus.js"]',
      'src/reader/a.ts → src/version.ts   [src/reader/a.ts:8 import "../version.js"]',
      'src/reader/a.ts → src/logging/logger.ts   [src/reader/a.ts:9 import "../logging/logger.js"]',
    ]);
  });

  it("allows node:crypto in src/dlms/cipher.ts only, also when reached through it", () => {
    expect(
      listed({
        "src/dlms/cipher.ts": 'import { createDecipheriv } from "node:crypto";\nexport const d = 1;\n',
        "src/reader/decode.ts": 'import { d } from "../dlms/cipher.js";\nexport const x = d;\n',
      }),
    ).toEqual([]);
  });

  it("keeps model/ free of every other folder and package", () => {
    expect(
      listedBy("model-is-lowest", {
        "src/model/snapshot.ts":
          'import type { Obis } from "../obis/obis.js";\nimport "temporal-polyfill";\n',
        "src/obis/obis.ts": "export type Obis = string;\n",
      }),
    ).toEqual([
      'src/model/snapshot.ts → src/obis/obis.ts   [src/model/snapshot.ts:1 import (type) "../obis/obis.js"]',
      'src/model/snapshot.ts → temporal-polyfill   [src/model/snapshot.ts:2 import "temporal-polyfill"]',
    ]);
  });

  it("reports logging/ reaching config/ through another folder", () => {
    expect(
      listed({
        "src/logging/logger.ts": 'import { mask } from "../util/mask.js";\nexport const m = mask;\n',
        "src/util/mask.ts": 'export { redact as mask } from "../config/redact.js";\n',
        "src/config/redact.ts": "export const redact = 1;\n",
      }),
    ).toEqual([
      'src/logging/logger.ts → src/util/mask.ts → src/config/redact.ts   [src/util/mask.ts:1 export "../config/redact.js"]',
    ]);
  });

  it("reports imports it cannot follow", () => {
    expect(
      listed({
        "src/meter/a.ts": 'import { b } from "./missing.js";\nconst name = "x";\nawait import(name);\n',
      }),
    ).toEqual([
      'src/meter/a.ts → src/meter/missing.js   [src/meter/a.ts:1 import "./missing.js"]',
      "src/meter/a.ts → <computed specifier>   [src/meter/a.ts:3 dynamic <computed>]",
    ]);
  });

  it("reports a new folder cycle, accepts a known one, and flags a stale allow-list entry", () => {
    const files = {
      "src/meter/a.ts": 'import { b } from "../sinks/b.js";\nexport const a = b;\n',
      "src/sinks/b.ts": 'import { c } from "../util/c.js";\nexport const b = c;\n',
      "src/util/c.ts": 'import type { A } from "../meter/a-type.js";\nexport const c = 1;\n',
      "src/meter/a-type.ts": "export type A = 1;\n",
      "src/time/t.ts": 'import { a } from "../meter/a.js";\n',
    };
    const fresh = check(files).folderCycles;
    expect(fresh.components).toEqual([["meter", "sinks", "util"]]);
    expect(fresh.newEdges).toEqual(["meter → sinks", "sinks → util", "util → meter"]);
    const known = check(files, [
      "meter → sinks",
      "sinks → util",
      "util → meter",
      "time → meter",
    ]).folderCycles;
    expect(known.newEdges).toEqual([]);
    expect(known.staleEdges).toEqual(["time → meter"]);
  });
});
