/**
 * Two real encrypted E450 captures with different keys (tests/fixtures/real-frames: e450-at-enc-gbt-auth-1,
 * Energienetze Steiermark; e450-enc-gbt-no-pushlist-scs) arriving on one line, as on a wired M-Bus with
 * several meters: each is deciphered with its own meter's keys and its events carry that meter's id.
 */
import { describe, expect, it } from "vitest";
import { EventBus } from "../../../src/bus/event-bus.js";
import type { MeterEvents } from "../../../src/bus/events.js";
import type { ConfiguredMeter } from "../../../src/config/options.js";
import type { Logger } from "../../../src/logging/logger.js";
import { IntegrityGuard } from "../../../src/meter/integrity-guard.js";
import { MeterRuntime } from "../../../src/meter/runtime.js";
import { MemoryTotalsStore } from "../../../src/meter/totals-store.js";
import { decodeBytes } from "../../../src/reader/decode-bytes.js";
import { StreamDecoder } from "../../../src/reader/stream-decoder.js";
import { keysBySender, routeBySender } from "../../../src/service/shared-line.js";
import { createMeterState, generatePush, SIMULATOR_DEFAULT_KEYS } from "../../../src/simulator/index.js";
import { Transport } from "../../../src/transport/transport.js";
import { Secret } from "../../../src/util/secret.js";
import { caseBytes, caseKeys, REAL_FRAMES } from "../../helpers/real-frames.js";

const START = Date.UTC(2026, 5, 1, 12);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

class LinePort extends Transport {
  readonly description = "shared line";
  async start() {
    this.emit("state", "up");
  }
  async stop() {
    this.emit("state", "stopped");
  }
  async write() {}
  feed(bytes: Uint8Array) {
    this.emit("data", bytes);
  }
}

function realCase(id: string) {
  const testCase = REAL_FRAMES.find((candidate) => candidate.id === id);
  if (!testCase?.key) throw new Error(`no keyed case ${id}`);
  const bytes = caseBytes(testCase);
  const [snapshot] = decodeBytes(bytes, caseKeys(testCase)).snapshots;
  if (!snapshot?.systemTitle) throw new Error(`${id} names no system title`);
  return { bytes, key: testCase.key, authKey: testCase.auth_key ?? null, systemTitle: snapshot.systemTitle };
}

const styria = realCase("e450-at-enc-gbt-auth-1");
const other = realCase("e450-enc-gbt-no-pushlist-scs");

function configured(
  id: string,
  sender: { systemTitle: string },
  key: string,
  authKey: string | null,
): ConfiguredMeter {
  return {
    id,
    name: id,
    sender,
    connection: { kind: "tcp", host: "bridge", port: 4059 },
    protocol: "auto",
    layout: "auto",
    scalerOverrides: new Map(),
    encryptionKey: new Secret(Uint8Array.from(Buffer.from(key, "hex"))),
    ...(authKey ? { authenticationKey: new Secret(Uint8Array.from(Buffer.from(authKey, "hex"))) } : {}),
  };
}

describe("a line several meters share", () => {
  const line: [ConfiguredMeter, ...ConfiguredMeter[]] = [
    configured("styria", { systemTitle: styria.systemTitle.toUpperCase() }, styria.key, styria.authKey),
    configured("other", { systemTitle: other.systemTitle.toUpperCase() }, other.key, other.authKey),
  ];

  it("deciphers each meter's push with its own keys, where one key would fail the other", () => {
    const shared = new StreamDecoder({ keysBySystemTitle: keysBySender(line) });
    const snapshots = [styria.bytes, other.bytes].flatMap((bytes) =>
      shared.push(bytes, 0).filter((event) => event.kind === "snapshot"),
    );
    expect(snapshots).toHaveLength(2);
    const oneKey = new StreamDecoder({ encryptionKey: Buffer.from(styria.key, "hex") });
    const [failure] = oneKey.push(other.bytes, 0).filter((event) => event.kind === "issue");
    // Without a tag to check, a wrong key shows as plaintext that does not parse.
    expect(failure?.kind === "issue" && failure.issue.code).toBe("garbage-plaintext");
  });

  it("gives each push's events the id of the meter whose system title it carries", async () => {
    // Two simulated Steiermark meters (byte-exact frames of that real format) with keys of their own:
    // the real captures above are one push each, and a meter is published from its second push on.
    const AUTH = SIMULATOR_DEFAULT_KEYS.authenticationKey;
    const authHex = Buffer.from(AUTH).toString("hex");
    const keyA = Uint8Array.from(Buffer.from(styria.key, "hex"));
    const keyB = Uint8Array.from(Buffer.from(other.key, "hex"));
    const meterA = createMeterState({ start: START, seed: 1 });
    const meterB = createMeterState({ start: START, seed: 2 });
    const titleA = Buffer.from(meterA.identity.systemTitle).toString("hex").toUpperCase();
    const titleB = Buffer.from(meterB.identity.systemTitle).toString("hex").toUpperCase();
    const simulated: [ConfiguredMeter, ...ConfiguredMeter[]] = [
      configured("flat-a", { systemTitle: titleA }, styria.key, authHex),
      configured("flat-b", { systemTitle: titleB }, other.key, authHex),
    ];
    const port = new LinePort();
    const bus = new EventBus<MeterEvents>((_, error) => {
      throw error;
    });
    const seen: string[] = [];
    bus.on("snapshot", (event) => seen.push(`${event.meter} ${event.identity.systemTitle}`));
    const runtime = new MeterRuntime(
      {
        id: "styria",
        transport: port,
        reader: new StreamDecoder({ keysBySystemTitle: keysBySender(simulated) }),
        guard: new IntegrityGuard({ maxPowerKw: 17.25 }, new MemoryTotalsStore(), quiet),
        availability: { missedPushes: 3, initialIntervalMs: 60_000 },
        route: routeBySender(simulated),
      },
      bus,
      quiet,
    );
    await runtime.start();
    for (let push = 0; push < 3; push++) {
      const at = START + push * 5_000;
      port.feed(
        generatePush("steiermark", meterA, at, { keys: { encryptionKey: keyA, authenticationKey: AUTH } }),
      );
      port.feed(
        generatePush("steiermark", meterB, at, { keys: { encryptionKey: keyB, authenticationKey: AUTH } }),
      );
    }
    await runtime.stop();
    expect(seen).toEqual([`flat-a ${titleA}`, `flat-b ${titleB}`, `flat-a ${titleA}`, `flat-b ${titleB}`]);
  });
});
