/**
 * The fleet of virtual meters for the scale benchmark (bench/scale.ts), in a process of its own so
 * that none of their work is counted as e450's: `node dist/bench/scale-meters.js N INTERVAL_MS`
 * serves N Swiss E450s (the simulator's default format) on N loopback ports, each with its own seed
 * and so its own serial number, pushing every INTERVAL_MS at real speed.
 *
 * The meters are started one after the other, spread evenly over one interval: independent meters
 * push at unrelated instants, and a fleet whose timers all fired in the same millisecond would measure
 * a queue of N pushes rather than the cost of one.
 *
 * What it tells the bench, one line per message on stdout:
 *   ready <port>:<serial> <port>:<serial> …       once every meter listens
 *   push <serial> <meter clock, local> <send time>  for every push, the send time in nanoseconds of
 *                                                  process.hrtime (CLOCK_MONOTONIC on Linux, the same
 *                                                  clock in every process, so the bench can subtract)
 * It stops when its stdin closes, so it never outlives the bench.
 */
import { fileURLToPath } from "node:url";
import { startSimulator } from "../src/simulator/index.js";

/** The compiled entry, for the bench to spawn. */
export const FLEET_SCRIPT = fileURLToPath(import.meta.url);

export interface FleetMeter {
  readonly port: number;
  readonly serial: string;
}

type FleetLine =
  | { readonly kind: "ready"; readonly meters: readonly FleetMeter[] }
  | { readonly kind: "push"; readonly serial: string; readonly local: string; readonly sentNs: bigint };

/** One stdout line of the fleet; null for anything else (a warning Node printed). */
export function parseFleetLine(line: string): FleetLine | null {
  const [kind, ...fields] = line.trim().split(" ");
  if (kind === "ready") {
    const meters = fields.map((field) => {
      const [port, serial] = field.split(":");
      return { port: Number(port), serial: serial ?? "" };
    });
    return { kind, meters };
  }
  if (kind === "push" && fields.length === 3) {
    const [serial, local, sentNs] = fields as [string, string, string];
    return { kind, serial, local, sentNs: BigInt(sentNs) };
  }
  return null;
}

const two = (value: number) => String(value).padStart(2, "0");

async function serveFleet(count: number, intervalMs: number): Promise<void> {
  const meters: FleetMeter[] = [];
  const stops: (() => Promise<void>)[] = [];
  const serials = new Set<string>();
  const firstAt = performance.now();
  let seed = 1000;
  for (let i = 0; i < count; i++) {
    const due = firstAt + (i * intervalMs) / count;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    // Serials come from a hash of the seed: skip a seed whose serial another meter already has, so
    // that every push names one meter.
    let simulator = await startFleetMeter(seed++, intervalMs);
    while (serials.has(simulator.identity.serialNumber)) {
      await simulator.stop();
      simulator = await startFleetMeter(seed++, intervalMs);
    }
    serials.add(simulator.identity.serialNumber);
    meters.push({ port: simulator.port, serial: simulator.identity.serialNumber });
    stops.push(() => simulator.stop());
  }
  process.stdout.write(`ready ${meters.map(({ port, serial }) => `${port}:${serial}`).join(" ")}\n`);
  process.stdin.resume();
  process.stdin.once("end", () => {
    void Promise.all(stops.map((stop) => stop())).then(() => process.exit(0));
  });
}

function startFleetMeter(seed: number, intervalMs: number) {
  return startSimulator({
    format: "swiss",
    seed,
    intervalMs,
    onPush: ({ context }) => {
      const sentNs = process.hrtime.bigint();
      const { local } = context.measurements.clock;
      const clock = `${local.year}-${two(local.month)}-${two(local.day)}T${two(local.hour)}:${two(local.minute)}:${two(local.second)}`;
      process.stdout.write(`push ${context.identity.serialNumber} ${clock} ${sentNs}\n`);
    },
  });
}

if (process.argv[1] === FLEET_SCRIPT) {
  const [count, intervalMs] = process.argv.slice(2).map(Number);
  if (!(Number.isInteger(count) && count! > 0 && Number.isFinite(intervalMs) && intervalMs! > 0)) {
    process.stderr.write("usage: node dist/bench/scale-meters.js N INTERVAL_MS\n");
    process.exit(2);
  }
  await serveFleet(count!, intervalMs!);
}
