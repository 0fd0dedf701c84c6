/**
 * A configured tariff names Home Assistant entities for its dynamic prices (PriceEntity); at run
 * time those become lookups into the prices that have arrived. Pure: the caller owns the feed.
 */
import type { EnergyPrice, PriceLookup, Tariff } from "./types.js";

/** The entity ids a tariff takes prices from, each once. */
export function priceEntitiesOf(tariff: Tariff): string[] {
  const ids = new Set<string>();
  for (const version of tariff.versions) {
    for (const price of [version.import, version.export]) {
      if (price?.kind === "dynamic" && "kind" in price.series && price.series.kind === "entity") {
        ids.add(price.series.entityId);
      }
    }
  }
  return [...ids];
}

/** The tariff with every entity-named series replaced by `lookup(entityId)`. */
export function withPriceLookups(tariff: Tariff, lookup: (entityId: string) => PriceLookup): Tariff {
  const resolve = (price: EnergyPrice): EnergyPrice =>
    price.kind === "dynamic" && "kind" in price.series && price.series.kind === "entity"
      ? { ...price, series: lookup(price.series.entityId) }
      : price;
  return {
    ...tariff,
    versions: tariff.versions.map((version) => ({
      ...version,
      import: resolve(version.import),
      ...(version.export ? { export: resolve(version.export) } : {}),
    })),
  };
}
