/** ARCHITECTURE §9: a key or password never appears in any message or printed form of the options. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeLoadFailure, loadOptions } from "../../../src/config/load.js";
import { validateOptions } from "../../../src/config/validate.js";

/** Distinctive fragments, so a partial echo would be caught too. */
const WRONG_KEYS = [
  "c0ffeec0ffeec0ffeec0ffeec0ffee", // 30 digits
  "c0ffeec0ffeec0ffeec0ffeec0ffeec0f", // 33 digits
  "c0ffeec0ffeec0ffeec0ffeec0ffeeZZ", // 32 characters, not all hex
  "0xc0ffeec0ffeec0ffeec0ffeec0ffeec0", // with a 0x prefix
  "c0 ff ee c0 ff ee c0 ff ee c0 ff ee c0 ff ee c0", // with spaces
];
const GOOD_KEY = "feedfacefeedfacefeedfacefeedface";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "e450-secrets-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function expectNoFragment(text: string, secret: string): void {
  const compact = secret.replace(/\s|^0x/g, "").toLowerCase();
  expect(text.toLowerCase()).not.toContain(compact.slice(0, 12));
  expect(text.toLowerCase()).not.toContain(compact.slice(-12));
}

describe("secrets in messages", () => {
  it.each(WRONG_KEYS)("a malformed key %# is described by its length only", (key) => {
    const result = validateOptions({
      meter: { connection: "virtual", encryption_key: key, authentication_key: key },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((problem) => problem.path);
    expect(paths).toEqual(["meter.encryption_key", "meter.authentication_key"]);
    for (const problem of result.problems) {
      expect(problem.message).toMatch(/^expected 32 hexadecimal digits \(16 bytes\), got \d+ characters/);
      expectNoFragment(problem.message, key);
    }
  });

  it("a wrong key in a file never reaches the printed refusal, even next to other problems", async () => {
    const file = join(folder, "e450-secret.yaml");
    await writeFile(
      file,
      `meter:\n  encryption_key: ${WRONG_KEYS[0]}\nmqtt:\n  password: hunter2-hunter2\nlog_level: loud\n`,
    );
    const result = await loadOptions({ configFile: file, addonOptionsFile: join(folder, "none.json") });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const printed = describeLoadFailure(result);
    expect(printed).toContain("meter.encryption_key");
    expect(printed).toContain("mqtt.password: only allowed together with mqtt.username");
    expectNoFragment(printed, WRONG_KEYS[0]!);
    expect(printed).not.toContain("hunter2");
  });

  it("valid options print without their keys and password, however they are printed", async () => {
    const file = join(folder, "e450-good.yaml");
    await writeFile(
      file,
      `meter:\n  connection: virtual\n  encryption_key: ${GOOD_KEY}\n  authentication_key: ${GOOD_KEY.toUpperCase()}\nmqtt:\n  host: h\n  username: u\n  password: hunter2-hunter2\n`,
    );
    const result = await loadOptions({ configFile: file, addonOptionsFile: join(folder, "none.json") });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const printed of [
      JSON.stringify(result.options),
      inspect(result.options, { depth: 10 }),
      String(result.options.meters[0]?.encryptionKey),
    ]) {
      expectNoFragment(printed, GOOD_KEY);
      expect(printed).not.toContain("hunter2");
    }
  });
});
