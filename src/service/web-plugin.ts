/** The web panel and API, configured from the validated options; null when nothing asks for it. */
import type { Tariff } from "../analytics/cost/types.js";
import type { E450Options } from "../config/options.js";
import { isLoopback } from "../config/http-server.js";
import type { Logger } from "../logging/logger.js";
import type { HistoryStore } from "../store/history-store.js";
import { historyFile } from "../store/location.js";
import { hostTimeZone } from "../time/zoned.js";
import { Secret } from "../util/secret.js";
import { meterKeys } from "./meter-keys.js";
import { VERSION } from "../version.js";
import type { WebAccess } from "../web/access.js";
import { WebServer } from "../web/server.js";
import type { MeterControls } from "./meter-controls.js";

/** Every interface of the add-on's container: the ingress proxy connects from the Supervisor's network. */
const ALL_INTERFACES = "0.0.0.0";

export function webPluginFor(
  options: E450Options,
  tariff: Tariff | null,
  history: HistoryStore | null,
  meters: MeterControls,
  logger: Logger,
): WebServer | null {
  const { http } = options;
  if (http.kind === "off") return null;
  const hostZone = hostTimeZone();
  return new WebServer(
    {
      host: http.kind === "ingress" ? ALL_INTERFACES : http.host,
      port: http.port,
      access: accessOf(http),
      // As the analytics: local days in the tariff's zone, meter clocks in the host's (analytics-plugin.ts).
      timeZone: options.tariff?.timeZone ?? hostZone,
      meterTimeZone: hostZone,
      // With a dynamic price's live lookups, as the analytics price with it (analytics-plugin.ts).
      tariff,
      tariffAlternatives: options.tariffAlternatives,
      version: VERSION,
      meters: options.meters.map(({ id, name, area, behind }) => ({
        id,
        name,
        area: area ?? null,
        behind: behind ?? null,
      })),
    },
    {
      store: history,
      storeFile: history ? historyFile(options.dataDir) : null,
      logger,
      resetGuard: (meter) => meters.resetGuard(meter),
      meterKeys: new Secret(new Map(options.meters.map((meter) => [meter.id, meterKeys(meter)]))),
    },
  );
}

function accessOf(http: Exclude<E450Options["http"], { kind: "off" }>): WebAccess {
  if (http.kind === "ingress") return { kind: "ingress" };
  if (http.password) return { kind: "password", password: http.password };
  // load.ts refuses a network address without a password; this keeps a hand-built option safe too.
  if (!isLoopback(http.host)) throw new Error(`the web server on ${http.host} needs http.password`);
  return { kind: "loopback" };
}
