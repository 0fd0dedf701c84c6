/**
 * The live analytics, configured from the validated options: the analytics plugin, and, for a
 * dynamic tariff, the Home Assistant price feed whose prices it costs intervals with.
 */
import { priceEntitiesOf, withPriceLookups } from "../analytics/cost/price-entities.js";
import type { Tariff } from "../analytics/cost/types.js";
import type { MeterBus } from "../bus/events.js";
import type { Plugin } from "../bus/plugin.js";
import type { E450Options } from "../config/options.js";
import { HomeAssistantPrices, type PriceStatus } from "../homeassistant/price-feed.js";
import { NO_HISTORY } from "../insights/history-port.js";
import { InsightsPlugin } from "../insights/insights-plugin.js";
import type { Logger } from "../logging/logger.js";
import type { HistoryStore } from "../store/history-store.js";
import { hostTimeZone } from "../time/zoned.js";

/**
 * The tariff as the service prices with it: a dynamic price's Home Assistant entity replaced by
 * the feed's lookups (the feed, a plugin, comes with it); the options' tariff otherwise.
 */
export interface Pricing {
  readonly tariff: Tariff | null;
  readonly prices: PricesPlugin | null;
}

export function pricingFor(options: E450Options, logger: Logger): Pricing {
  const tariff = options.tariff;
  const entityIds = tariff ? priceEntitiesOf(tariff) : [];
  if (!tariff || entityIds.length === 0) return { tariff, prices: null };
  const prices = new PricesPlugin(entityIds, options, logger);
  return { tariff: withPriceLookups(tariff, (id) => prices.feed.lookup(id)), prices };
}

/** Empty when there is nothing to compute: no tariff, and forecasts and anomalies switched off. */
export function analyticsPluginsFor(
  options: E450Options,
  pricing: Pricing,
  history: HistoryStore | null,
  logger: Logger,
): Plugin[] {
  const { analytics } = options;
  const { tariff, prices } = pricing;
  if (!tariff && !analytics.forecast && !analytics.anomalies) return [];
  const hostZone = hostTimeZone();
  const insights = new InsightsPlugin(
    { tariff, analytics, timeZone: tariff?.timeZone ?? hostZone, meterTimeZone: hostZone },
    history ?? NO_HISTORY,
    logger,
  );
  prices?.onPricesChanged(() => insights.republishCosts());
  return prices ? [prices, insights] : [insights];
}

/**
 * The price feed as a plugin, for its lifecycle: it listens to Home Assistant, not to the bus.
 * Costs stay unpriced (never free) while a price is missing; the log says why.
 */
class PricesPlugin implements Plugin {
  readonly name = "home-assistant-prices";
  readonly feed: HomeAssistantPrices;
  private changed: () => void = () => {};

  constructor(entityIds: readonly string[], options: E450Options, logger: Logger) {
    this.feed = new HomeAssistantPrices({
      entityIds,
      // Loaded only for a dynamic tariff: the websocket client's code costs memory nobody else needs.
      connect: async (hooks) =>
        (await import("../homeassistant/connection.js")).connectHomeAssistant(options.homeAssistant, hooks),
      onStatus: (status) => {
        logStatus(status, logger);
        this.changed();
      },
    });
  }

  onPricesChanged(listener: () => void): void {
    this.changed = listener;
  }

  start(_bus: MeterBus): void {
    this.feed.start();
  }

  stop(): void {
    this.feed.stop();
  }
}

function logStatus(status: PriceStatus, logger: Logger): void {
  const until =
    status.knownUntilMs === undefined ? "" : ` (known until ${new Date(status.knownUntilMs).toISOString()})`;
  const line = `prices from ${status.entityId}: ${status.state}${status.reason ? `: ${status.reason}` : ""}${until}`;
  if (status.state === "ok" || status.state === "connecting") logger.info(line);
  else logger.warn(`${line}; costs are unpriced until prices arrive`);
}
