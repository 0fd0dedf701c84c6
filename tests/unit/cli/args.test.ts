import { afterEach, describe, expect, it, vi } from "vitest";
import { editDistance, failUsage, nearest, parseCommandArgs } from "../../../src/cli/args.js";

const OPTIONS = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  input: { type: "string", multiple: true },
  once: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function parse(argv: string[], allowPositionals = false) {
  return parseCommandArgs("e450 test", argv, { options: OPTIONS, allowPositionals });
}

afterEach(() => vi.restoreAllMocks());

describe("parseCommandArgs", () => {
  it("returns the values and positionals of a correct command line", () => {
    const result = parse(["--config=a.yaml", "-h", "--input", "x.csv", "--input", "y.csv", "z.csv"], true);
    expect(result).toEqual({
      ok: true,
      values: { config: "a.yaml", help: true, input: ["x.csv", "y.csv"] },
      positionals: ["z.csv"],
    });
  });

  it.each([
    [["--conifg", "x.yaml"], "unknown option --conifg (did you mean --config?)"],
    [["--conifg=x.yaml"], "unknown option --conifg (did you mean --config?)"],
    [["--data", "/tmp"], "unknown option --data (did you mean --data-dir?)"],
    [["--datadir", "/tmp"], "unknown option --datadir (did you mean --data-dir?)"],
    [["-config", "x.yaml"], "unknown option -config (did you mean --config?)"],
    [["--HELP"], "unknown option --HELP (did you mean --help?)"],
    [["--http", "8099"], "unknown option --http"],
    [["-x"], "unknown option -x"],
    [["--once", "--verbose"], "unknown option --verbose"],
  ])("names the unknown option in %j and suggests the nearest known one", (argv, problem) => {
    expect(parse(argv)).toEqual({ ok: false, message: `e450 test: ${problem}` });
  });

  it.each([
    [["x.yaml"], 'unexpected argument "x.yaml" (this command takes options only)'],
    [["--once", "yes"], 'unexpected argument "yes" (--once takes no value)'],
    [["--", "--config"], 'unexpected argument "--config" (this command takes options only)'],
  ])("refuses the unexpected positional in %j", (argv, problem) => {
    expect(parse(argv)).toEqual({ ok: false, message: `e450 test: ${problem}` });
  });

  it.each([
    [["--config"], "option --config needs a value"],
    [["--config", "--once"], "option --config needs a value, but the next argument is the option --once"],
    [["--config", "-h"], "option --config needs a value, but the next argument is the option -h"],
    [
      ["--config", "-secret-looking-value"],
      'option --config needs a value; write --config=VALUE for a value that starts with "-"',
    ],
    [["--once=yes"], "option --once takes no value"],
    [["--config", "a", "--config", "b"], "option --config given more than once"],
  ])("refuses the missing or misplaced value in %j", (argv, problem) => {
    expect(parse(argv)).toEqual({ ok: false, message: `e450 test: ${problem}` });
  });

  it("reports the first mistake, as parseArgs finds them in order", () => {
    expect(parse(["stray", "--conifg"])).toMatchObject({ message: expect.stringContaining('"stray"') });
    expect(parse(["--conifg", "stray"])).toMatchObject({ message: expect.stringContaining("--conifg") });
  });

  it("takes a value that starts with a dash when written with =", () => {
    expect(parse(["--config=-odd.yaml"])).toMatchObject({ ok: true, values: { config: "-odd.yaml" } });
  });

  it("lets a multiple option repeat and a boolean one too", () => {
    expect(parse(["--input", "a", "--input", "b", "--once", "--once"])).toMatchObject({ ok: true });
  });

  it("passes on anything that is not a parse error: a broken option table is a bug", () => {
    expect(() =>
      parseCommandArgs("e450 test", [], { options: { bad: { type: "number" as "string" } } }),
    ).toThrow();
  });
});

describe("failUsage", () => {
  it("writes the one-line message, then the usage, to stderr and answers exit code 2", () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(failUsage("e450 test: unknown option --x", "usage: e450 test\n")).toBe(2);
    expect(failUsage("e450 test: unknown option --y")).toBe(2);
    expect(written).toEqual([
      "e450 test: unknown option --x\n\nusage: e450 test\n",
      "e450 test: unknown option --y\n",
    ]);
  });
});

describe("nearest", () => {
  const commands = ["run", "decode", "simulate", "backtest"];

  it.each([
    ["rn", "run"],
    ["decod", "decode"],
    ["simulte", "simulate"],
    ["sim", "simulate"],
    ["Backtest", "backtest"],
    ["foo", undefined],
    ["r", undefined],
    ["", undefined],
  ])("%j → %j", (typed, expected) => {
    expect(nearest(typed, commands)).toBe(expected);
  });

  it("prefers the closest candidate, then the earlier one", () => {
    expect(nearest("hex", ["help", "hex"])).toBe("hex");
    expect(nearest("fo", ["fa", "fb"])).toBe("fa");
  });

  it("does not guess from an abbreviation of several candidates", () => {
    expect(nearest("de", ["decode", "debug"])).toBeUndefined();
  });
});

describe("editDistance", () => {
  it.each([
    ["config", "config", 0],
    ["conifg", "config", 1],
    ["confg", "config", 1],
    ["configs", "config", 1],
    ["http", "help", 2],
    ["", "abc", 3],
    ["abc", "", 3],
    ["ca", "abc", 3],
  ])("%j → %j is %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
