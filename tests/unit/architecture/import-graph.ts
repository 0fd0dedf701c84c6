/**
 * The import-graph checker behind import-graph.test.ts. It works on a map of file path → source text
 * (paths relative to the repository root, e.g. "src/dlms/apdu.ts"), so the test can feed it the real
 * tree and, to prove it is not vacuous, synthetic trees with planted violations.
 *
 * Imports are read with the TypeScript parser, not regexes: static `import … from`, side-effect
 * `import "…"`, `export … from`, `import x = require("…")`, `require("…")`, dynamic `import("…")`
 * and type-level `import("…").T`. Type-only imports count as edges too: a type import still couples
 * one layer to another's declarations, and the core must compile without the shell. Violation texts
 * mark them "(type)" so whoever fixes one knows it is erased at run time.
 */
import ts from "typescript";

/** Shared rules: the layering of ARCHITECTURE.md ("Sans-IO core, thin I/O shell"). */
const CORE_UNITS = ["framing", "dlms", "iec62056", "obis", "model", "reader", "inspect"] as const;

/**
 * The only folders outside the core that a core file may import: small helpers with no I/O of their
 * own, which the transitive check keeps honest. Every other part of src/ is shell and forbidden —
 * the ones ARCHITECTURE.md names (meter, sinks, config, transport, web, store, cli, main.ts,
 * simulator, analytics, homeassistant), cli.ts and version.ts, and any folder added later (bus/,
 * service/ today), so a new folder is forbidden until someone decides it belongs here. logging/ is
 * not listed: a decoder reports a discard or an issue (principle 3) and leaves writing to the shell.
 */
const NEUTRAL_UNITS = ["util", "time"] as const;

/**
 * Bare packages a core file may import, by file. Nothing else: every bare package (node builtins
 * included) is forbidden in the core and in whatever the core reaches.
 * - src/dlms/cipher.ts → node:crypto: AES-128-GCM (DLMS Green Book, security suite 0) is a pure
 *   function of key, IV and bytes; it does no I/O, and the platform implementation is audited
 *   where a hand-rolled one would not be.
 */
const CORE_PACKAGE_ALLOWANCES: Readonly<Record<string, readonly string[]>> = {
  "src/dlms/cipher.ts": ["node:crypto"],
};

type ImportKind = "import" | "export" | "dynamic" | "require" | "import-type";

interface ImportRef {
  /** null when a dynamic import or require takes a computed argument. */
  readonly specifier: string | null;
  readonly kind: ImportKind;
  /** Erased at run time: `import type`, `export type`, or a type-level `import("…")`. */
  readonly typeOnly: boolean;
  readonly line: number;
}

export interface Edge extends ImportRef {
  readonly from: string;
  /**
   * A file of the set for a resolved relative import; the specifier itself for a bare package;
   * the normalised path for a relative import that resolves to no file of the set.
   */
  readonly target: string;
  readonly targetKind: "file" | "package" | "unresolved" | "computed";
}

export interface Violation {
  readonly rule: RuleName;
  /** The file the rule applies to, then every hop, ending with the offending target. */
  readonly chain: readonly string[];
  /** The offending import statement: the last hop of the chain. */
  readonly edge: Edge;
}

export type RuleName = "sans-io-core" | "model-is-lowest" | "logging-without-config" | "analysable";

interface FolderCycles {
  /** Strongly connected components of the folder graph with more than one folder, sorted. */
  readonly components: readonly (readonly string[])[];
  /** Every folder edge "a → b" that lies on a cycle, with the file imports that make it. */
  readonly cycleEdges: ReadonlyMap<string, readonly Edge[]>;
  /** Cycle edges that the allow-list does not name: new cycles. */
  readonly newEdges: readonly string[];
  /** Allow-listed edges that are no longer on a cycle: remove them from the list. */
  readonly staleEdges: readonly string[];
}

export interface ImportGraphReport {
  readonly files: number;
  readonly edges: readonly Edge[];
  readonly violations: readonly Violation[];
  readonly folderCycles: FolderCycles;
}

export interface CheckOptions {
  /** Folder edges "a → b" known to lie on a cycle today; see import-graph.test.ts. */
  readonly knownFolderCycleEdges?: readonly string[];
}

function extractImports(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, specifier: string | null, kind: ImportKind, typeOnly: boolean): void => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    refs.push({ specifier, kind, typeOnly, line });
  };
  const literal = (node: ts.Node | undefined): string | null =>
    node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      ? node.text
      : null;

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, literal(node.moduleSpecifier), "import", node.importClause?.isTypeOnly === true);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node, literal(node.moduleSpecifier), "export", node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, literal(node.moduleReference.expression), "require", node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, literal(node.arguments[0]), "dynamic", false);
      } else if (ts.isIdentifier(node.expression) && node.expression.text === "require") {
        add(node, literal(node.arguments[0]), "require", false);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, literal(node.argument.literal), "import-type", true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

/** "src/a/../b/./c.js" → "src/b/c.js"; null when it climbs above the repository root. */
function normalise(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

/** NodeNext resolution as this project writes it: "./x.js" names x.ts; a folder names its index. */
function resolveRelative(from: string, specifier: string, files: ReadonlyMap<string, string>): string {
  const directory = from.slice(0, from.lastIndexOf("/") + 1);
  // An absolute specifier names no file of the set, so it is reported as unresolved.
  const joined = specifier.startsWith("/") ? specifier : `${directory}${specifier}`;
  const base = normalise(joined) ?? specifier;
  const candidates = [
    base,
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base.replace(/\.cjs$/, ".cts"),
    `${base}.ts`,
    `${base}/index.ts`,
  ];
  return candidates.find((candidate) => files.has(candidate)) ?? base;
}

function buildEdges(files: ReadonlyMap<string, string>): Edge[] {
  const edges: Edge[] = [];
  for (const [from, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const ref of extractImports(from, text)) {
      if (ref.specifier === null) {
        edges.push({ ...ref, from, target: "<computed specifier>", targetKind: "computed" });
      } else if (ref.specifier.startsWith(".") || ref.specifier.startsWith("/")) {
        const target = resolveRelative(from, ref.specifier, files);
        edges.push({ ...ref, from, target, targetKind: files.has(target) ? "file" : "unresolved" });
      } else {
        edges.push({ ...ref, from, target: ref.specifier, targetKind: "package" });
      }
    }
  }
  return edges;
}

/** The top-level part of src/ a file belongs to: "src/sinks/mqtt/x.ts" → "sinks", "src/main.ts" → "main.ts". */
function unitOf(path: string): string | null {
  if (!path.startsWith("src/")) return null;
  const rest = path.slice("src/".length);
  const slash = rest.indexOf("/");
  return slash === -1 ? rest : rest.slice(0, slash);
}

interface Rule {
  readonly name: RuleName;
  /** The files the rule constrains. */
  readonly appliesTo: (file: string) => boolean;
  /** Whether this import (made by `edge.from`) is forbidden to a file the rule constrains. */
  readonly forbids: (edge: Edge) => boolean;
  /**
   * Also follow imports into files outside `appliesTo` (util/, time/, logging/ …) and report a
   * forbidden import found there, with the chain that reaches it.
   */
  readonly transitive: boolean;
}

const inUnits =
  (units: readonly string[]) =>
  (file: string): boolean => {
    const unit = unitOf(file);
    return unit !== null && units.includes(unit);
  };

const isCore = inUnits(CORE_UNITS);
const isCoreOrNeutral = inUnits([...CORE_UNITS, ...NEUTRAL_UNITS]);

const RULES: readonly Rule[] = [
  {
    name: "sans-io-core",
    appliesTo: isCore,
    forbids: (edge) =>
      edge.targetKind === "package"
        ? !(CORE_PACKAGE_ALLOWANCES[edge.from] ?? []).includes(edge.target)
        : edge.targetKind === "file" && !isCoreOrNeutral(edge.target),
    transitive: true,
  },
  {
    // Everything outside model/ is forbidden, so the first hop out is already the violation.
    name: "model-is-lowest",
    appliesTo: inUnits(["model"]),
    forbids: (edge) =>
      edge.targetKind === "package" || (edge.targetKind === "file" && unitOf(edge.target) !== "model"),
    transitive: false,
  },
  {
    name: "logging-without-config",
    appliesTo: inUnits(["logging"]),
    forbids: (edge) => edge.targetKind === "file" && unitOf(edge.target) === "config",
    transitive: true,
  },
  {
    // An import the checker cannot follow would let any of the rules above pass unseen.
    name: "analysable",
    appliesTo: (file) => file.startsWith("src/"),
    forbids: (edge) => edge.targetKind === "unresolved" || edge.targetKind === "computed",
    transitive: false,
  },
];

function checkRule(
  rule: Rule,
  files: readonly string[],
  edgesFrom: ReadonlyMap<string, Edge[]>,
): Violation[] {
  const violations: Violation[] = [];
  for (const file of files.filter(rule.appliesTo)) {
    for (const edge of edgesFrom.get(file) ?? []) {
      if (rule.forbids(edge)) violations.push({ rule: rule.name, chain: [file, edge.target], edge });
    }
    if (!rule.transitive) continue;
    // Breadth first through files the rule does not constrain (those are checked on their own), so
    // each offending import is reported once per constrained file, with the shortest chain.
    const chainTo = new Map<string, string[]>();
    const queue: string[] = [];
    for (const edge of edgesFrom.get(file) ?? []) {
      if (edge.targetKind !== "file" || rule.forbids(edge) || rule.appliesTo(edge.target)) continue;
      if (!chainTo.has(edge.target)) {
        chainTo.set(edge.target, [file, edge.target]);
        queue.push(edge.target);
      }
    }
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const chain = chainTo.get(next)!;
      for (const edge of edgesFrom.get(next) ?? []) {
        if (rule.forbids(edge)) {
          violations.push({ rule: rule.name, chain: [...chain, edge.target], edge });
        } else if (edge.targetKind === "file" && !rule.appliesTo(edge.target) && !chainTo.has(edge.target)) {
          chainTo.set(edge.target, [...chain, edge.target]);
          queue.push(edge.target);
        }
      }
    }
  }
  return violations;
}

/** Tarjan's strongly connected components. */
function stronglyConnected(
  nodes: readonly string[],
  next: ReadonlyMap<string, ReadonlySet<string>>,
): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return components;
}

const folderEdgeName = (from: string, to: string): string => `${from} → ${to}`;

function findFolderCycles(edges: readonly Edge[], known: readonly string[] = []): FolderCycles {
  const next = new Map<string, Set<string>>();
  const evidence = new Map<string, Edge[]>();
  for (const edge of edges) {
    if (edge.targetKind !== "file") continue;
    const from = unitOf(edge.from);
    const to = unitOf(edge.target);
    if (from === null || to === null || from === to) continue;
    next.set(from, (next.get(from) ?? new Set()).add(to));
    if (!next.has(to)) next.set(to, new Set());
    const name = folderEdgeName(from, to);
    evidence.set(name, [...(evidence.get(name) ?? []), edge]);
  }
  const components = stronglyConnected([...next.keys()].sort(), next)
    .filter((component) => component.length > 1)
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
  const componentOf = new Map<string, number>();
  components.forEach((component, i) => {
    for (const unit of component) componentOf.set(unit, i);
  });
  const cycleEdges = new Map<string, Edge[]>();
  for (const [from, targets] of [...next].sort(([a], [b]) => a.localeCompare(b))) {
    for (const to of [...targets].sort()) {
      const component = componentOf.get(from);
      if (component !== undefined && component === componentOf.get(to)) {
        const name = folderEdgeName(from, to);
        cycleEdges.set(name, evidence.get(name)!);
      }
    }
  }
  return {
    components,
    cycleEdges,
    newEdges: [...cycleEdges.keys()].filter((name) => !known.includes(name)),
    staleEdges: known.filter((name) => !cycleEdges.has(name)),
  };
}

export function checkImportGraph(
  files: ReadonlyMap<string, string>,
  options: CheckOptions = {},
): ImportGraphReport {
  const edges = buildEdges(files);
  const edgesFrom = new Map<string, Edge[]>();
  for (const edge of edges) edgesFrom.set(edge.from, [...(edgesFrom.get(edge.from) ?? []), edge]);
  const paths = [...files.keys()].sort();
  return {
    files: files.size,
    edges,
    violations: RULES.flatMap((rule) => checkRule(rule, paths, edgesFrom)),
    folderCycles: findFolderCycles(edges, options.knownFolderCycleEdges),
  };
}

export function describeEdge(edge: Edge): string {
  const specifier = edge.specifier === null ? "<computed>" : JSON.stringify(edge.specifier);
  return `${edge.from}:${edge.line} ${edge.kind}${edge.typeOnly ? " (type)" : ""} ${specifier}`;
}

/** "src/reader/x.ts → src/util/y.ts → node:fs   [src/util/y.ts:3 import "node:fs"]" */
export function describeViolation(violation: Violation): string {
  return `${violation.chain.join(" → ")}   [${describeEdge(violation.edge)}]`;
}
