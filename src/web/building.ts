/**
 * The building view's arithmetic (issue 12): each configured meter's energy and cost over a period
 * and its share of the building's. A meter `behind` another (a sub-meter: a workshop, a heat pump)
 * measures part of that meter's energy, so it is listed under it, followed by the "rest": the
 * parent's reading less its sub-meters'. The building's total sums only the meters behind no other,
 * so every kWh counts once; the top-level shares make 100 %, and under each parent its sub-meters'
 * and its rest's shares make the parent's. Pure: routes/building.ts reads the store and hands the
 * readings in.
 */

/** A configured meter as the building view sees it. */
export interface BuildingMeter {
  readonly id: string;
  /** null: the single `meter` group, which has no name. */
  readonly name: string | null;
  readonly area: string | null;
  /** The id of the meter it is behind; null: it is on the building's own supply. */
  readonly behind: string | null;
}

/** What a meter measured over the period. */
export interface MeterUse {
  readonly importKwh: number;
  /** null: the meter states no export register. */
  readonly exportKwh: number | null;
  /** Its own bill under the tariff (energy, standing and capacity charges, less feed-in); null without a tariff. */
  readonly netCost: number | null;
  /** Its import's price alone (with levies and VAT); null without a tariff. */
  readonly energyCost: number | null;
  /** The part of the period its intervals cover, 0…1. */
  readonly coverage: number;
}

/** Why a row has no figures (or, for negative-rest, why its figures are suspect). */
export type ReasonCode = "not-heard" | "no-data" | "sub-meter-missing" | "parent-missing" | "negative-rest";

export const REASONS: Readonly<Record<ReasonCode, string>> = {
  "not-heard": "not heard from since the start, and no stored history is known to be this meter's",
  "no-data": "no energy was recorded in this period",
  "sub-meter-missing": "a meter behind this one has no data for this period, so the rest is not known",
  "parent-missing": "this meter has no data for this period, so the rest is not known",
  "negative-rest":
    "the meters behind this one measured more than it did: check that each is behind the right meter",
};

export type MeterReading = { readonly use: MeterUse } | { readonly missing: "not-heard" | "no-data" };

export interface BuildingRow {
  /** "rest": what the meter measured beyond the meters behind it. */
  readonly kind: "meter" | "rest";
  /** The meter; for a rest row, the meter whose rest it is. */
  readonly meter: BuildingMeter;
  /** 0 at the top; a sub-meter and its parent's rest one more than the parent. */
  readonly depth: number;
  readonly importKwh: number | null;
  readonly exportKwh: number | null;
  /**
   * At the top, the meter's own bill (`netCost`). Behind another meter, the price of its energy alone
   * (`energyCost`): standing and capacity charges belong to the connection, i.e. to the parent's rest.
   */
  readonly cost: number | null;
  /** 0…1; null for a rest row. */
  readonly coverage: number | null;
  /** Percent of the building's import. */
  readonly share: number | null;
  /** Percent of the import of the meter it is behind; null at the top. */
  readonly shareOfParent: number | null;
  /** Percent of the building's cost. */
  readonly costShare: number | null;
  readonly reason: ReasonCode | null;
}

interface BuildingTotal {
  /** The top-level meters' import: each kWh once. */
  readonly importKwh: number;
  /** null when no top-level meter states export. */
  readonly exportKwh: number | null;
  /** null without a tariff. */
  readonly cost: number | null;
  /** false when a top-level meter has no figures: the shares are then of the meters that have. */
  readonly complete: boolean;
}

export interface Building {
  /** Top-level meters in the configured order, each followed by its sub-meters and then its rest. */
  readonly rows: readonly BuildingRow[];
  readonly total: BuildingTotal;
}

interface Figures {
  readonly importKwh: number;
  readonly exportKwh: number | null;
  readonly cost: number | null;
}

interface Node {
  readonly meter: BuildingMeter;
  readonly reading: MeterReading;
  readonly children: Node[];
}

/** A rest below −1 mWh is more than float noise (the API rounds energies to the mWh). */
const NEGATIVE = -1e-6;

type Draft = Omit<BuildingRow, "share" | "shareOfParent" | "costShare"> & {
  /** The import of the meter it is behind, for shareOfParent. */
  readonly parentImportKwh: number | null;
};

export function building(
  meters: readonly BuildingMeter[],
  readingOf: (id: string) => MeterReading,
): Building {
  const nodes = new Map<string, Node>(
    meters.map((meter) => [meter.id, { meter, reading: readingOf(meter.id), children: [] }]),
  );
  // config/meter-rules.ts refuses a `behind` that names nobody or loops, so every meter is reached
  // from a root; one naming an unknown meter is treated as on the building's supply.
  const roots: Node[] = [];
  for (const meter of meters) {
    const node = nodes.get(meter.id)!;
    const parent = meter.behind === null ? undefined : nodes.get(meter.behind);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }

  const drafts: Draft[] = [];
  const visit = (node: Node, depth: number, parent: Figures | null): Figures | null => {
    const own = figuresOf(node.reading, depth === 0);
    drafts.push({
      kind: "meter",
      meter: node.meter,
      depth,
      ...(own ?? { importKwh: null, exportKwh: null, cost: null }),
      coverage: "use" in node.reading ? node.reading.use.coverage : null,
      reason: "missing" in node.reading ? node.reading.missing : null,
      parentImportKwh: parent?.importKwh ?? null,
    });
    if (node.children.length === 0) return own;
    const children = node.children.map((child) => visit(child, depth + 1, own));
    const rest = restOf(own, children);
    drafts.push({
      kind: "rest",
      meter: node.meter,
      depth: depth + 1,
      ...rest.figures,
      coverage: null,
      reason: rest.reason,
      parentImportKwh: own?.importKwh ?? null,
    });
    return own;
  };
  const tops = roots.map((root) => visit(root, 0, null));

  const measured = tops.filter((top): top is Figures => top !== null);
  const exports = measured.map((top) => top.exportKwh).filter((kwh): kwh is number => kwh !== null);
  const costs = measured.map((top) => top.cost).filter((cost): cost is number => cost !== null);
  const total: BuildingTotal = {
    importKwh: sum(measured.map((top) => top.importKwh)),
    exportKwh: exports.length === 0 ? null : sum(exports),
    cost: costs.length === 0 ? null : sum(costs),
    complete: measured.length === tops.length,
  };
  return {
    rows: drafts.map(({ parentImportKwh, ...row }) => ({
      ...row,
      share: percent(row.importKwh, total.importKwh),
      shareOfParent: row.depth === 0 ? null : percent(row.importKwh, parentImportKwh),
      costShare: percent(row.cost, total.cost),
    })),
    total,
  };
}

function figuresOf(reading: MeterReading, top: boolean): Figures | null {
  if (!("use" in reading)) return null;
  const { use } = reading;
  return {
    importKwh: use.importKwh,
    exportKwh: use.exportKwh,
    cost: top ? use.netCost : use.energyCost,
  };
}

/** The parent's figures less its sub-meters'; a sub-meter without export register exported nothing. */
function restOf(
  parent: Figures | null,
  children: readonly (Figures | null)[],
): { figures: Figures | { importKwh: null; exportKwh: null; cost: null }; reason: ReasonCode | null } {
  const unknown = { importKwh: null, exportKwh: null, cost: null };
  if (parent === null) return { figures: unknown, reason: "parent-missing" };
  const known = children.filter((child): child is Figures => child !== null);
  if (known.length < children.length) return { figures: unknown, reason: "sub-meter-missing" };
  const importKwh = parent.importKwh - sum(known.map((child) => child.importKwh));
  return {
    figures: {
      importKwh,
      exportKwh:
        parent.exportKwh === null ? null : parent.exportKwh - sum(known.map((child) => child.exportKwh ?? 0)),
      cost: parent.cost === null ? null : parent.cost - sum(known.map((child) => child.cost ?? 0)),
    },
    reason: importKwh < NEGATIVE ? "negative-rest" : null,
  };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** `part` as a percentage of `whole`; null when either is unknown or the whole is not positive. */
function percent(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || !(whole > 0)) return null;
  return (part / whole) * 100;
}
