/**
 * The web server as a plugin on the meters' bus (ARCHITECTURE §6): the constructor assigns,
 * `start(bus)` subscribes and listens, `stop()` closes. fastify 5 because its route schemas are
 * at once the input validation (ajv), the output serialisation and the OpenAPI document
 * (@fastify/swagger), and its static and rate-limit plugins are maintained with it.
 */
import type { AddressInfo } from "node:net";
import type { Tariff } from "../analytics/cost/types.js";
import type { MeterBus } from "../bus/events.js";
import type { Keys } from "../dlms/cipher.js";
import type { Secret } from "../util/secret.js";
import type { Plugin } from "../bus/plugin.js";
import type { Logger } from "../logging/logger.js";
import type { HistoryStore } from "../store/history-store.js";
import { ZonedCalendar } from "../time/zoned.js";
import type { WebAccess } from "./access.js";
import { buildApp } from "./app.js";
import type { BuildingMeter } from "./building.js";
import { LiveState } from "./live-state.js";
import { AssignmentRecorder } from "./meter-assignments.js";
import { BUILT_PANEL_DIR } from "./panel.js";
import type { FastifyInstance } from "fastify";

export interface WebServerSettings {
  readonly host: string;
  /** 0: any free port (tests, the benchmark); `port` tells which after start. */
  readonly port: number;
  readonly access: WebAccess;
  /** The analytics' zone (the tariff's, else the host's). */
  readonly timeZone: string;
  /** The zone meter clocks are read in (the host's). */
  readonly meterTimeZone: string;
  readonly tariff: Tariff | null;
  /** Tariffs to compare with, by name. */
  readonly tariffAlternatives: Readonly<Record<string, Tariff>>;
  readonly version: string;
  /** Where the built panel is; dist/panel by default. */
  readonly panelDir?: string;
  /** The configured meters, for the building view; absent: none (a server built by hand, the benchmark). */
  readonly meters?: readonly BuildingMeter[];
}

export interface WebServerParts {
  readonly store: HistoryStore | null;
  readonly storeFile: string | null;
  readonly logger: Logger;
  readonly resetGuard?: (meter: string) => Promise<void> | void;
  /** Each configured meter's keys by its id, for the setup assistant (it decrypts recent frames with them). */
  readonly meterKeys: Secret<ReadonlyMap<string, Keys>>;
}

export class WebServer implements Plugin {
  readonly name = "web";
  private readonly live = new LiveState();
  private assignments: AssignmentRecorder | undefined;
  private app: FastifyInstance | undefined;

  constructor(
    private readonly settings: WebServerSettings,
    private readonly parts: WebServerParts,
  ) {}

  async start(bus: MeterBus): Promise<void> {
    const { settings, parts } = this;
    this.live.attach(bus);
    if (parts.store) {
      this.assignments = new AssignmentRecorder(parts.store, parts.logger);
      this.assignments.attach(bus);
    }
    try {
      const app = await buildApp(
        { access: settings.access, panelDir: settings.panelDir ?? BUILT_PANEL_DIR },
        {
          live: this.live,
          meters: settings.meters ?? [],
          store: parts.store,
          storeFile: parts.storeFile,
          zone: new ZonedCalendar(settings.timeZone),
          meterZone: new ZonedCalendar(settings.meterTimeZone),
          tariff: settings.tariff,
          tariffAlternatives: settings.tariffAlternatives,
          version: settings.version,
          startedAt: Date.now(),
          now: Date.now,
          resetGuard: parts.resetGuard ?? null,
          meterKeys: parts.meterKeys,
          logger: parts.logger,
        },
      );
      this.app = app;
      await app.listen({ host: settings.host, port: settings.port });
    } catch (error) {
      await this.stop();
      throw error;
    }
    parts.logger.info(`web panel and API at ${this.url}${describeAccess(settings.access)}`);
  }

  async stop(): Promise<void> {
    this.live.detach();
    this.assignments?.detach();
    this.assignments = undefined;
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  /** The bound port: the configured one, or the one the system chose for port 0. */
  get port(): number {
    const address = this.app?.server.address() as AddressInfo | null | undefined;
    return address?.port ?? this.settings.port;
  }

  private get url(): string {
    const host = this.settings.host.includes(":") ? `[${this.settings.host}]` : this.settings.host;
    return `http://${host}:${this.port}/`;
  }
}

function describeAccess(access: WebAccess): string {
  switch (access.kind) {
    case "ingress":
      return " (only through Home Assistant's ingress)";
    case "loopback":
      return " (this machine only, no password)";
    case "password":
      return " (password required)";
  }
}
