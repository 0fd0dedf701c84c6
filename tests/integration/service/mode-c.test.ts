/**
 * IEC 62056-21 mode C through the whole service: the readout session drives a TCP bridge (which,
 * like ser2net, ignores baud changes) to the virtual meter's optical port, and readings come out.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadOptions } from "../../../src/config/index.js";
import { createLogger } from "../../../src/logging/logger.js";
import { type Service, startService } from "../../../src/main.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { type RunningSimulator, startSimulator } from "../../../src/simulator/index.js";
import { waitUntil } from "../mqtt/mosquitto.js";

const running: (Service | RunningSimulator)[] = [];
afterEach(async () => {
  for (const part of running.splice(0).reverse()) await part.stop();
});

describe("mode C readout over a TCP bridge", () => {
  it("signs on, reads out and publishes the readout's registers", async () => {
    const simulator = await startSimulator({ format: "iec62056-21" });
    running.push(simulator);
    const folder = mkdtempSync(join(tmpdir(), "e450-modec-"));
    const file = join(folder, "options.yaml");
    writeFileSync(
      file,
      [
        "meter:",
        "  connection: tcp",
        "  tcp_host: 127.0.0.1",
        `  tcp_port: ${simulator.port}`,
        "  protocol: iec62056-21",
        "",
      ].join("\n"),
    );
    const loaded = await loadOptions({ configFile: file, dataDir: folder });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const lines: string[] = [];
    const snapshots: Snapshot[] = [];
    const service = await startService(
      loaded.options,
      createLogger(
        "debug",
        (t) => t,
        (line) => lines.push(line),
      ),
      {
        onSnapshot: (snapshot) => snapshots.push(snapshot),
      },
    );
    running.push(service);
    await waitUntil(() => snapshots.length > 0, 10_000, `a readout (log: ${lines.join("")})`);
    const [snapshot] = snapshots;
    expect(snapshot?.source).toBe("iec62056-21-readout");
    expect(snapshot?.readings.some((r) => r.obis === "32.7" && r.value.kind === "number")).toBe(true);
    expect(lines.join("")).not.toMatch(/iec-readout-timeout|iec-no-identification/);
  });
});
