/**
 * A web application on real parts: a history store on a temporary SQLite file, a LiveState fed by
 * the events a meter runtime would publish, fastify's inject for the requests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Tariff } from "../../../src/analytics/cost/types.js";
import type { Keys } from "../../../src/dlms/cipher.js";
import type { Logger } from "../../../src/logging/logger.js";
import { Secret } from "../../../src/util/secret.js";
import { HistoryStore } from "../../../src/store/history-store.js";
import { ZonedCalendar } from "../../../src/time/zoned.js";
import type { WebAccess } from "../../../src/web/access.js";
import { buildApp } from "../../../src/web/app.js";
import type { BuildingMeter } from "../../../src/web/building.js";
import type { ApiContext } from "../../../src/web/context.js";
import { LiveState } from "../../../src/web/live-state.js";
import { MeterEventSource } from "../../helpers/meter-events.js";

export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const ZONE = "Europe/Zurich";

/** A fixed-price Swiss tariff with a cheaper night rate. */
const TARIFF: Tariff = {
  timeZone: ZONE,
  currency: "CHF",
  versions: [
    {
      validFrom: "2020-01-01",
      import: {
        kind: "time-of-use",
        rates: [{ name: "high", pricePerKwh: 0.3, windows: [{ fromHour: 7, toHour: 20 }] }],
        otherwisePerKwh: 0.2,
      },
      standingChargePerDay: 0.5,
    },
  ],
};

export interface WebFixture {
  readonly app: FastifyInstance;
  readonly store: HistoryStore;
  readonly source: MeterEventSource;
  readonly live: LiveState;
  readonly folder: string;
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly access?: WebAccess;
  readonly tariff?: Tariff | null;
  readonly tariffAlternatives?: Readonly<Record<string, Tariff>>;
  readonly panelDir?: string;
  readonly now?: () => number;
  readonly resetGuard?: ApiContext["resetGuard"];
  readonly withoutStore?: boolean;
  readonly meterKeys?: Keys;
  /** The configured meters; by default the single `meter` group, which `source` pushes on. */
  readonly meters?: readonly BuildingMeter[];
}

/** The single `meter` group as the options give it (config/resolve.ts). */
export const SINGLE_METER: BuildingMeter = { id: "meter", name: null, area: null, behind: null };

export async function webFixture(options: FixtureOptions = {}): Promise<WebFixture> {
  const folder = mkdtempSync(join(tmpdir(), "e450-web-"));
  const storeFile = join(folder, "history.sqlite");
  const store = HistoryStore.open(storeFile, quiet);
  const source = new MeterEventSource();
  const live = new LiveState();
  live.attach(source.bus);
  const zone = new ZonedCalendar(ZONE);
  const app = await buildApp(
    {
      access: options.access ?? { kind: "loopback" },
      panelDir: options.panelDir ?? join(folder, "no-panel"),
    },
    {
      live,
      meters: options.meters ?? [SINGLE_METER],
      store: options.withoutStore ? null : store,
      storeFile: options.withoutStore ? null : storeFile,
      zone,
      meterZone: zone,
      tariff: options.tariff === undefined ? TARIFF : options.tariff,
      tariffAlternatives: options.tariffAlternatives ?? {},
      version: "9.9.9",
      startedAt: Date.now(),
      now: options.now ?? Date.now,
      resetGuard: options.resetGuard ?? null,
      meterKeys: new Secret(new Map([["meter", options.meterKeys ?? {}]])),
      logger: quiet,
    },
  );
  return {
    app,
    store,
    source,
    live,
    folder,
    async close() {
      await app.close();
      live.detach();
      source.stop();
      store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
