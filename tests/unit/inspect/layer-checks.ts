/** Checks on an inspector result shared by its tests: coverage of the bytes, and readings in the labels. */
import type { InspectLayer, InspectReading, InspectResult } from "../../../src/inspect/types.js";

/**
 * Problems with the leaves of one space: each byte of [0, length) must lie in exactly one leaf.
 * Returns readable descriptions (empty = exactly covered).
 */
export function coverageProblems(result: InspectResult, inputLength: number): string[] {
  const problems: string[] = [];
  const check = (leaves: InspectLayer[], length: number, space: string) => {
    const sorted = [...leaves].sort((a, b) => a.start - b.start);
    let at = 0;
    for (const leaf of sorted) {
      if (leaf.end <= leaf.start) problems.push(`${space}: empty leaf ${leaf.label} at ${leaf.start}`);
      if (leaf.start > at) problems.push(`${space}: bytes ${at}–${leaf.start} in no leaf`);
      if (leaf.start < at) problems.push(`${space}: ${leaf.label} at ${leaf.start} overlaps the leaf before`);
      at = Math.max(at, leaf.end);
    }
    if (at !== length) problems.push(`${space}: leaves end at ${at}, the bytes at ${length}`);
  };
  const leaves = result.layers.filter((layer) => !layer.group);
  check(
    leaves.filter((layer) => layer.source === undefined),
    inputLength,
    "input",
  );
  check(
    leaves.filter((layer) => layer.source === "plaintext"),
    result.plaintext === null ? 0 : result.plaintext.length / 2,
    "plaintext",
  );
  for (const group of result.layers.filter((layer) => layer.group)) {
    if (group.end <= group.start) problems.push(`empty group ${group.label} at ${group.start}`);
  }
  return problems;
}

/** How a reading's value reads in a label: "4912.257 kWh", a text, a local date-time. */
function shownValue(reading: InspectReading): string {
  return reading.unit ? `${reading.value} ${reading.unit}` : String(reading.value);
}

/**
 * Readings without a layer of their own: a label naming the OBIS code whose value is the reading's,
 * each layer used once (parts of a split value count as one).
 */
export function readingsNotAnnotated(result: InspectResult): string[] {
  const candidates = result.layers.filter((layer) => !layer.group && !/\(part [2-9]\d* of/.test(layer.label));
  const used = new Set<InspectLayer>();
  const missing: string[] = [];
  for (const reading of result.readings) {
    const layer = candidates.find(
      (candidate) =>
        !used.has(candidate) &&
        candidate.label.replace(/ \(part \d+ of \d+\)$/, "").endsWith(`(${reading.obis})`) &&
        candidate.value === shownValue(reading),
    );
    if (layer) used.add(layer);
    else missing.push(`${reading.obis} = ${shownValue(reading)}`);
  }
  return missing;
}
