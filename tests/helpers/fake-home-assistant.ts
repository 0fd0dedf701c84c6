/**
 * A local server speaking Home Assistant's websocket API on a free loopback port, built from the
 * documented messages (developers.home-assistant.io, "WebSocket API") and, where the docs are
 * silent, from core's websocket_api (commands.py, messages.py: the compressed subscribe_entities
 * format) and config/entity_registry.py. It covers:
 *
 * - handshake: auth_required {ha_version} → auth {access_token} → auth_ok {ha_version}, or
 *   auth_invalid {message} and close for a wrong token or a first message that is not `auth`;
 * - supported_features {features: {coalesce_messages}} → result; later bursts then go out as one
 *   JSON array per frame, as HA does;
 * - ping → pong; get_states; get_config;
 * - subscribe_entities {entity_ids?} → result null, then an event {a: {id: {s, a, c, lc}}}, later
 *   {a}, {c: {id: {"+": {s?, a?, c, lc|lu}, "-": {a: [names]}}}} and {r: [ids]};
 * - subscribe_events {event_type?} → result null, then state_changed events; unsubscribe_events;
 * - call_service {domain, service, service_data, return_response} → result {context, response?},
 *   errors not_found, service_validation_error (also a response-only action called without
 *   return_response);
 * - config/entity_registry/get {entity_id} → the registry entry, or not_found;
 * - anything else → unknown_command; an id that does not increase → id_reuse.
 *
 * Tests change an entity (setState/removeEntity), drop every connection or restart the server on
 * the same port, and read what clients sent (`received`).
 */
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface FakeEntity {
  readonly entity_id: string;
  readonly state: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A service handler; throw FakeServiceError for HA's ServiceValidationError. */
type FakeService = (serviceData: Readonly<Record<string, unknown>>) => unknown;

export class FakeServiceError extends Error {}

export interface FakeHomeAssistantOptions {
  readonly token: string;
  readonly haVersion?: string;
  readonly entities?: readonly FakeEntity[];
  /** Entity registry entries by entity id (platform, config_entry_id, unique_id …). */
  readonly registry?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Response-only actions by "domain.service", as the price integrations register theirs. */
  readonly services?: Readonly<Record<string, FakeService>>;
}

type Message = Record<string, unknown>;

interface Client {
  readonly socket: WebSocket;
  authenticated: boolean;
  coalesce: boolean;
  lastId: number;
  /** Subscription id → what it follows. */
  readonly subscriptions: Map<
    number,
    { kind: "entities"; ids: Set<string> | null } | { kind: "events"; type?: string }
  >;
}

interface StoredState extends FakeEntity {
  readonly contextId: string;
  readonly lastChanged: number;
  readonly lastUpdated: number;
}

export class FakeHomeAssistant {
  /** Every message a client sent after authenticating, in order. */
  readonly received: Message[] = [];
  private readonly states = new Map<string, StoredState>();
  private readonly clients = new Set<Client>();
  private server: WebSocketServer | undefined;
  private portNumber = 0;
  private contextCounter = 0;

  private constructor(private readonly options: FakeHomeAssistantOptions) {
    for (const entity of options.entities ?? []) this.store(entity);
  }

  static async start(options: FakeHomeAssistantOptions, port = 0): Promise<FakeHomeAssistant> {
    const fake = new FakeHomeAssistant(options);
    await fake.listen(port);
    return fake;
  }

  get port(): number {
    return this.portNumber;
  }

  /** The base URL a user would configure (the client appends /api/websocket). */
  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  get connectionCount(): number {
    return [...this.clients].filter((client) => client.authenticated).length;
  }

  /** Adds or changes an entity and pushes the change to every subscriber. */
  setState(entityId: string, state: string, attributes: Readonly<Record<string, unknown>>): void {
    const old = this.states.get(entityId);
    const next = this.store({ entity_id: entityId, state, attributes }, old);
    for (const client of this.clients) {
      for (const [id, subscription] of client.subscriptions) {
        if (subscription.kind === "entities" && (!subscription.ids || subscription.ids.has(entityId))) {
          this.send(client, [
            {
              id,
              type: "event",
              event: old ? { c: { [entityId]: diff(old, next) } } : { a: { [entityId]: compressed(next) } },
            },
          ]);
        } else if (
          subscription.kind === "events" &&
          (subscription.type ?? "state_changed") === "state_changed"
        ) {
          this.send(client, [stateChangedEvent(id, entityId, old, next)]);
        }
      }
    }
  }

  removeEntity(entityId: string): void {
    const old = this.states.get(entityId);
    if (!old) return;
    this.states.delete(entityId);
    for (const client of this.clients) {
      for (const [id, subscription] of client.subscriptions) {
        if (subscription.kind === "entities" && (!subscription.ids || subscription.ids.has(entityId))) {
          this.send(client, [{ id, type: "event", event: { r: [entityId] } }]);
        } else if (subscription.kind === "events") {
          this.send(client, [stateChangedEvent(id, entityId, old, undefined)]);
        }
      }
    }
  }

  /** Closes every client connection, as Home Assistant does when it stops (the server stays up). */
  dropConnections(): void {
    for (const client of this.clients) client.socket.close(1012, "restarting");
    this.clients.clear();
  }

  /** Drops every connection and refuses new ones for `downMs`, then listens on the same port again. */
  async restart(downMs: number): Promise<void> {
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.listen(this.portNumber);
  }

  async stop(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(port: number): Promise<void> {
    const server = new WebSocketServer({ host: "127.0.0.1", port, path: "/api/websocket" });
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    this.server = server;
    this.portNumber = (server.address() as AddressInfo).port;
    server.on("connection", (socket) => this.accept(socket));
  }

  private accept(socket: WebSocket): void {
    const client: Client = {
      socket,
      authenticated: false,
      coalesce: false,
      lastId: 0,
      subscriptions: new Map(),
    };
    this.clients.add(client);
    socket.on("close", () => this.clients.delete(client));
    socket.on("message", (data) => this.onMessage(client, String(data)));
    this.sendNow(client, { type: "auth_required", ha_version: this.version });
  }

  private get version(): string {
    return this.options.haVersion ?? "2025.10.1";
  }

  private onMessage(client: Client, text: string): void {
    const message = JSON.parse(text) as Message;
    if (!client.authenticated) {
      if (message["type"] === "auth" && message["access_token"] === this.options.token) {
        client.authenticated = true;
        this.sendNow(client, { type: "auth_ok", ha_version: this.version });
      } else {
        const why =
          message["type"] === "auth"
            ? "Invalid access token or password"
            : "Auth message incorrectly formatted: required key not provided @ data['type']";
        this.sendNow(client, { type: "auth_invalid", message: why });
        client.socket.close();
      }
      return;
    }
    this.received.push(message);
    const id = Number(message["id"]);
    if (!(id > client.lastId)) {
      this.send(client, [failure(id, "id_reuse", "Identifier values have to increase.")]);
      return;
    }
    client.lastId = id;
    this.send(client, this.answer(client, id, message));
  }

  private answer(client: Client, id: number, message: Message): Message[] {
    switch (message["type"]) {
      case "supported_features":
        client.coalesce = asRecord(message["features"])["coalesce_messages"] === 1;
        return [success(id, null)];
      case "ping":
        return [{ id, type: "pong" }];
      case "get_states":
        return [success(id, [...this.states.values()].map(full))];
      case "get_config":
        return [
          success(id, {
            version: this.version,
            time_zone: "Europe/Zurich",
            currency: "CHF",
            state: "RUNNING",
          }),
        ];
      case "subscribe_entities": {
        const ids = Array.isArray(message["entity_ids"]) ? new Set(message["entity_ids"].map(String)) : null;
        client.subscriptions.set(id, { kind: "entities", ids });
        const listed = [...this.states.values()].filter((state) => !ids || ids.has(state.entity_id));
        const added = Object.fromEntries(listed.map((state) => [state.entity_id, compressed(state)]));
        return [success(id, null), { id, type: "event", event: { a: added } }];
      }
      case "subscribe_events": {
        const eventType = message["event_type"];
        client.subscriptions.set(id, {
          kind: "events",
          ...(typeof eventType === "string" ? { type: eventType } : {}),
        });
        return [success(id, null)];
      }
      case "unsubscribe_events":
        return client.subscriptions.delete(Number(message["subscription"]))
          ? [success(id, null)]
          : [failure(id, "not_found", "Subscription not found.")];
      case "call_service":
        return [this.callService(id, message)];
      case "config/entity_registry/get": {
        const entry = this.options.registry?.[String(message["entity_id"])];
        return [
          entry
            ? success(id, { entity_id: message["entity_id"], ...entry })
            : failure(id, "not_found", "Entity not found"),
        ];
      }
      default:
        return [failure(id, "unknown_command", "Unknown command.")];
    }
  }

  private callService(id: number, message: Message): Message {
    const name = `${String(message["domain"])}.${String(message["service"])}`;
    const handler = this.options.services?.[name];
    if (!handler) return failure(id, "not_found", `Service ${name} not found.`);
    if (message["return_response"] !== true) {
      return failure(
        id,
        "service_validation_error",
        "The action requires responses and must be called with return_response=True",
      );
    }
    const context = { id: this.nextContextId(), parent_id: null, user_id: null };
    try {
      return success(id, { context, response: handler(asRecord(message["service_data"])) });
    } catch (error) {
      if (error instanceof FakeServiceError) return failure(id, "service_validation_error", error.message);
      throw error;
    }
  }

  private store(entity: FakeEntity, old?: StoredState): StoredState {
    const now = Date.now() / 1000;
    const stored: StoredState = {
      ...entity,
      contextId: this.nextContextId(),
      lastChanged: old && old.state === entity.state ? old.lastChanged : now,
      lastUpdated: now,
    };
    this.states.set(entity.entity_id, stored);
    return stored;
  }

  private nextContextId(): string {
    this.contextCounter += 1;
    return `01FAKECONTEXT${String(this.contextCounter).padStart(13, "0")}`;
  }

  /** One burst of messages: one frame holding a JSON array once the client asked for coalescing. */
  private send(client: Client, messages: readonly Message[]): void {
    if (client.coalesce && messages.length > 1) client.socket.send(JSON.stringify(messages));
    else for (const message of messages) this.sendNow(client, message);
  }

  private sendNow(client: Client, message: Message): void {
    client.socket.send(JSON.stringify(message));
  }
}

function success(id: number, result: unknown): Message {
  return { id, type: "result", success: true, result };
}

function failure(id: number, code: string, message: string): Message {
  return { id, type: "result", success: false, error: { code, message } };
}

/** State.as_compressed_state: lu only when it differs from lc; a bare context id when it has no parent or user. */
function compressed(state: StoredState): Message {
  return {
    s: state.state,
    a: state.attributes,
    c: state.contextId,
    lc: state.lastChanged,
    ...(state.lastUpdated === state.lastChanged ? {} : { lu: state.lastUpdated }),
  };
}

/** messages._state_diff: changed state and attributes under "+", removed attribute names under "-". */
function diff(old: StoredState, next: StoredState): Message {
  const additions: Message = { c: next.contextId };
  if (old.state !== next.state) additions["s"] = next.state;
  if (old.lastChanged !== next.lastChanged) additions["lc"] = next.lastChanged;
  else additions["lu"] = next.lastUpdated;
  const changed = Object.fromEntries(
    Object.entries(next.attributes).filter(
      ([key, value]) => JSON.stringify(old.attributes[key]) !== JSON.stringify(value),
    ),
  );
  if (Object.keys(changed).length > 0) additions["a"] = changed;
  const removed = Object.keys(old.attributes).filter((key) => !(key in next.attributes));
  return removed.length > 0 ? { "+": additions, "-": { a: removed } } : { "+": additions };
}

function full(state: StoredState): Message {
  return {
    entity_id: state.entity_id,
    state: state.state,
    attributes: state.attributes,
    last_changed: new Date(state.lastChanged * 1000).toISOString(),
    last_updated: new Date(state.lastUpdated * 1000).toISOString(),
    context: { id: state.contextId, parent_id: null, user_id: null },
  };
}

function stateChangedEvent(
  id: number,
  entityId: string,
  old: StoredState | undefined,
  next: StoredState | undefined,
): Message {
  return {
    id,
    type: "event",
    event: {
      event_type: "state_changed",
      data: { entity_id: entityId, old_state: old ? full(old) : null, new_state: next ? full(next) : null },
      origin: "LOCAL",
      time_fired: new Date().toISOString(),
      context: { id: next?.contextId ?? old?.contextId, parent_id: null, user_id: null },
    },
  };
}

function asRecord(value: unknown): Message {
  return typeof value === "object" && value !== null ? (value as Message) : {};
}
