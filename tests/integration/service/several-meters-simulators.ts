/**
 * The meters of the several-meters tests: each an `e450 simulate` process of its own (the built CLI),
 * so that one can be killed like a meter whose bridge loses power, and the `e450 run` options that
 * read them as a `meters:` list. Needs `npm run build` first (npm test does it).
 */
import { writeFileSync } from "node:fs";
import { identityFromSeed } from "../../../src/simulator/meter-identity.js";
import { type CliProcess, type Processes, waitFor } from "../influx/forwarding-meter.js";

export interface SimulatorSpec {
  readonly format: "swiss" | "steiermark" | "iec62056-21";
  /** Which virtual meter: a different seed is a different serial number and system title. */
  readonly seed: number;
  /** The encryption key the meter ciphers with (steiermark). */
  readonly key?: string;
  /** Push interval in seconds at real speed (push formats). */
  readonly intervalSeconds?: number;
  /** Also offer the meter on a pseudo-terminal at this path (socat), read as a serial device. */
  readonly pty?: string;
}

export interface SimulatedMeter {
  readonly process: CliProcess;
  readonly port: number;
  /**
   * How the meter names itself: its serial number and its DLMS system title (hex). An encrypted push
   * names the meter by its system title only, so Home Assistant may know the device by either.
   */
  readonly marks: readonly string[];
}

export async function simulate(processes: Processes, spec: SimulatorSpec): Promise<SimulatedMeter> {
  const args = ["simulate", "--format", spec.format, "--seed", String(spec.seed)];
  if (spec.key !== undefined) args.push("--key", spec.key);
  if (spec.intervalSeconds !== undefined) args.push("--interval", String(spec.intervalSeconds));
  if (spec.pty !== undefined) args.push("--pty", spec.pty);
  const started = processes.cli(args);
  // With --pty the simulator announces the pty once socat has created it; without, the port is enough.
  const ready = spec.pty === undefined ? /listening on 127\.0\.0\.1:\d+/ : /also on the pseudo-terminal/;
  await waitFor(
    () => ready.test(started.output) || started.child.exitCode !== null,
    15_000,
    `the ${spec.format} simulator to start`,
  );
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(started.output)?.[1] ?? 0);
  if (port === 0 || !ready.test(started.output)) {
    throw new Error(`the ${spec.format} simulator did not start: ${started.output}`);
  }
  const identity = identityFromSeed(spec.seed);
  const serial = /serial (\d+)\)/.exec(started.output)?.[1];
  if (serial !== identity.serialNumber) {
    throw new Error(`the simulator says serial ${serial}, its seed gives ${identity.serialNumber}`);
  }
  const systemTitle = Buffer.from(identity.systemTitle).toString("hex");
  return { process: started, port, marks: [identity.serialNumber, systemTitle] };
}

/** One item of the `meters:` list, with the add-on's option names. */
export type MeterItem = Readonly<Record<string, string | number>>;

/** Writes `e450 run` options as a user would: YAML, a `meters:` list, then top-level options. */
export function writeMetersOptions(
  file: string,
  meters: readonly MeterItem[],
  options: Readonly<Record<string, string | number>>,
): void {
  const lines = ["meters:"];
  for (const meter of meters) {
    Object.entries(meter).forEach(([key, value], index) => {
      lines.push(`${index === 0 ? "  - " : "    "}${key}: ${JSON.stringify(value)}`);
    });
  }
  for (const [key, value] of Object.entries(options)) lines.push(`${key}: ${JSON.stringify(value)}`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}
