/**
 * One set of layout names everywhere: the add-on's `meter.layout` offers the decoder's own names (the
 * ones `e450 decode --layout` takes), and the add-on's earlier names still work as aliases.
 */
import { describe, expect, it } from "vitest";
import { LAYOUT_ALIASES, LAYOUTS, resolveLayoutName } from "../../../src/config/choices.js";
import { LAYOUT_NAMES } from "../../../src/dlms/layouts/detect.js";
import { readLayout } from "../../../src/dlms/layouts/detect.js";
import type { DecodeError } from "../../../src/model/issue.js";

describe("layout names", () => {
  it("offers every layout the decoder knows, by the decoder's name", () => {
    expect(LAYOUTS.slice(0, LAYOUT_NAMES.length)).toEqual([...LAYOUT_NAMES]);
    expect(LAYOUTS).toContain("burgenland-short");
  });

  it.each([
    ["swiss-push-list", "push-object-list"],
    ["steiermark", "obis-pairs"],
    ["scaler-unit", "obis-pairs"],
  ])("accepts the older name %s for %s", (alias, name) => {
    expect(LAYOUTS).toContain(alias);
    expect(resolveLayoutName(alias)).toBe(name);
  });

  it("resolves every name to itself and every alias to a name the decoder accepts", () => {
    for (const name of LAYOUTS) {
      const resolved = resolveLayoutName(name);
      expect(LAYOUT_NAMES as readonly string[], name).toContain(resolved);
      if (!Object.hasOwn(LAYOUT_ALIASES, name)) expect(resolved).toBe(name);
      // The decoder may refuse the (empty) body, but never as an unknown layout name.
      try {
        readLayout({ type: "structure", items: [] }, resolved);
      } catch (error) {
        expect((error as DecodeError).message, name).not.toMatch(/^unknown layout/);
      }
    }
  });

  it("knows nothing else", () => {
    expect(resolveLayoutName("vienna")).toBeUndefined();
    expect(resolveLayoutName("toString")).toBeUndefined();
    expect(resolveLayoutName("")).toBeUndefined();
  });
});
