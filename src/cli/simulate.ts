/**
 * `e450 simulate`: serves the virtual E450 over TCP, or prints one push (`--once`). Keys given on the
 * command line are used, never echoed (ARCHITECTURE §9); the default keys are published example
 * values (simulator/virtual-meter.ts), which --help prints so that its pushes can be decoded.
 */
import {
  FORMAT_NAMES,
  FORMATS,
  type FaultOptions,
  type FormatName,
  generatePush,
  createMeterState,
  isFormatName,
  type MeterKeys,
  SIMULATOR_DEFAULT_KEYS,
  startSimulator,
} from "../simulator/index.js";
import { type PtyBridge, startPtyBridge } from "../simulator/pty.js";
import { loadCounters, saveCounters } from "../simulator/saved-counters.js";
import { type ArgValues, failUsage, parseCommandArgs } from "./args.js";

/** How often --counters are saved while serving, so a killed simulator resumes close to where it was. */
const COUNTER_SAVE_MS = 30_000;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();
const ENCRYPTED_FORMATS = FORMAT_NAMES.filter((name) => FORMATS[name].encrypted).join(", ");

const USAGE = `usage: e450 simulate [options]

  --format NAME          ${FORMAT_NAMES.join(" | ")} (default swiss)
  --host HOST            address to listen on (default 127.0.0.1)
  --port N               TCP port; 0 picks a free one (default 0)
  --interval SECONDS     push interval in meter time (default: the format's real one, 5 s)
  --speed FACTOR         run meter time this many times faster (default 1)
  --seed N               which virtual meter and household (default 450)
  --start ISO-TIME       meter time at start (default now)
  --pv WATTS             add a rooftop PV plant with this peak power
  --key HEX32            encryption key of the encrypted formats (${ENCRYPTED_FORMATS});
                         default ${hex(SIMULATOR_DEFAULT_KEYS.encryptionKey)}
  --auth-key HEX32       authentication key; default ${hex(SIMULATOR_DEFAULT_KEYS.authenticationKey)}
  --corrupt-checksums P  probability per frame of a corrupted FCS/BCC
  --drop-bytes P         probability per byte of being lost
  --garbage P            probability per frame of random bytes before it
  --wrong-key P          probability per push of ciphering with another key
  --counter-jumps P      probability per push of a frame-counter jump
  --counters FILE        resume the registers from FILE and save them there at exit and every
                         30 s, so a meter stopped and started again (a later --start: an outage)
                         continues its totals instead of starting from the seeded reading
  --pty PATH             also offer the meter on a pseudo-terminal at PATH (needs socat)
  --once                 write one push to stdout and exit (raw bytes, or hex with --hex)
  --hex                  with --once: print hex, e.g. for \`e450 decode --hex\`

The default keys are the published example keys of a Steiermark E450 capture, not secrets; decode
with the same key, e.g.
  e450 simulate --once --format steiermark | e450 decode --key ${hex(SIMULATOR_DEFAULT_KEYS.encryptionKey)} --format table
`;

const OPTIONS = {
  format: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  interval: { type: "string" },
  speed: { type: "string" },
  seed: { type: "string" },
  start: { type: "string" },
  pv: { type: "string" },
  key: { type: "string" },
  "auth-key": { type: "string" },
  "corrupt-checksums": { type: "string" },
  "drop-bytes": { type: "string" },
  garbage: { type: "string" },
  "wrong-key": { type: "string" },
  "counter-jumps": { type: "string" },
  pty: { type: "string" },
  counters: { type: "string" },
  once: { type: "boolean" },
  hex: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

interface Settings {
  format: FormatName;
  host: string;
  port: number;
  intervalMs: number | undefined;
  speed: number;
  seed: number | undefined;
  start: number | undefined;
  photovoltaicPeakWatts: number | null;
  keys: MeterKeys;
  /** Whether --key or --auth-key was given; only this fact is ever printed, never a key. */
  keysGiven: boolean;
  faults: FaultOptions;
  pty: string | undefined;
  countersFile: string | undefined;
  once: boolean;
  hex: boolean;
}

type Values = ArgValues<typeof OPTIONS>;

/** Reads every option, collecting every problem instead of stopping at the first (ARCHITECTURE §7). */
function readSettings(values: Values): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const number = (name: keyof Values, check: (value: number) => boolean, expected: string) => {
    const text = values[name];
    if (typeof text !== "string") return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || !check(value)) {
      problems.push(`--${name}: expected ${expected}, got "${text}"`);
      return undefined;
    }
    return value;
  };
  const key = (name: "key" | "auth-key", fallback: Uint8Array) => {
    const text = values[name];
    if (text === undefined) return fallback;
    if (!/^[0-9a-fA-F]{32}$/.test(text)) {
      problems.push(`--${name}: expected 32 hexadecimal digits (16 bytes)`); // the value itself is a secret
      return fallback;
    }
    return Uint8Array.from(Buffer.from(text, "hex"));
  };
  const rate = (name: keyof Values) => number(name, (v) => v >= 0 && v <= 1, "a probability from 0 to 1");

  const formatName = values.format ?? "swiss";
  if (!isFormatName(formatName))
    problems.push(`--format: expected one of ${FORMAT_NAMES.join(", ")}, got "${formatName}"`);
  let start: number | undefined;
  if (values.start !== undefined) {
    start = Date.parse(values.start);
    if (Number.isNaN(start)) problems.push(`--start: expected an ISO 8601 time, got "${values.start}"`);
  }
  const intervalSeconds = number("interval", (v) => v > 0, "seconds > 0");
  if (values.hex && !values.once) problems.push("--hex: only together with --once");
  if (values.pty !== undefined && values.once) problems.push("--pty: not together with --once");
  if (values.counters !== undefined && values.once) problems.push("--counters: not together with --once");

  const settings: Settings = {
    format: isFormatName(formatName) ? formatName : "swiss",
    host: values.host ?? "127.0.0.1",
    port: number("port", (v) => Number.isInteger(v) && v >= 0 && v <= 65_535, "a port 0–65535") ?? 0,
    intervalMs: intervalSeconds === undefined ? undefined : intervalSeconds * 1000,
    speed: number("speed", (v) => v > 0, "a factor > 0") ?? 1,
    seed: number("seed", (v) => Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, "an integer 0–4294967295"),
    start: Number.isNaN(start) ? undefined : start,
    photovoltaicPeakWatts: number("pv", (v) => v > 0 && v <= 1_000_000, "peak watts > 0") ?? null,
    keys: {
      encryptionKey: key("key", SIMULATOR_DEFAULT_KEYS.encryptionKey),
      authenticationKey: key("auth-key", SIMULATOR_DEFAULT_KEYS.authenticationKey),
    },
    keysGiven: values.key !== undefined || values["auth-key"] !== undefined,
    faults: {
      corruptChecksumRate: rate("corrupt-checksums"),
      dropByteRate: rate("drop-bytes"),
      garbageRate: rate("garbage"),
      wrongKeyRate: rate("wrong-key"),
      counterJumpRate: rate("counter-jumps"),
    },
    pty: values.pty,
    countersFile: values.counters,
    once: values.once ?? false,
    hex: values.hex ?? false,
  };
  return { settings, problems };
}

function printOnce(settings: Settings): number {
  const now = settings.start ?? Date.now();
  const state = createMeterState({
    seed: settings.seed,
    start: now,
    photovoltaicPeakWatts: settings.photovoltaicPeakWatts,
  });
  const bytes = generatePush(settings.format, state, now, { keys: settings.keys, faults: settings.faults });
  if (settings.hex) process.stdout.write(`${Buffer.from(bytes).toString("hex").toUpperCase()}\n`);
  else process.stdout.write(bytes);
  return 0;
}

/** Resolves on SIGINT or SIGTERM; installed before anything is announced, so no signal is missed. */
function untilStopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const shutdown = () => {
      process.off("SIGINT", shutdown);
      process.off("SIGTERM", shutdown);
      resolve();
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  });
}

async function serve(settings: Settings): Promise<number> {
  const stopSignal = untilStopSignal();
  const countersFile = settings.countersFile;
  const resumeFrom = countersFile === undefined ? null : await loadCounters(countersFile);
  const simulator = await startSimulator({
    ...(resumeFrom ? { resumeFrom } : {}),
    format: settings.format,
    host: settings.host,
    port: settings.port,
    intervalMs: settings.intervalMs,
    speed: settings.speed,
    seed: settings.seed,
    start: settings.start,
    photovoltaicPeakWatts: settings.photovoltaicPeakWatts,
    keys: settings.keys,
    faults: settings.faults,
  });
  const spec = FORMATS[settings.format];
  const cadence =
    spec.mode === "dialogue"
      ? "answering IEC 62056-21 sign-on"
      : `pushing every ${(settings.intervalMs ?? spec.pushIntervalMs) / 1000} s of meter time`;
  const keyNote = spec.encrypted
    ? `; keys: ${settings.keysGiven ? "as given" : "the published example keys"}`
    : "";
  process.stdout.write(
    `virtual E450 (${settings.format}, serial ${simulator.identity.serialNumber}) listening on ` +
      `${simulator.host}:${simulator.port}, ${cadence}${keyNote}\n`,
  );
  let pty: PtyBridge | null = null;
  if (settings.pty !== undefined) {
    try {
      pty = await startPtyBridge(simulator, settings.pty);
      process.stdout.write(`also on the pseudo-terminal ${pty.path}\n`);
    } catch (error) {
      process.stderr.write(`e450 simulate: --pty: ${(error as Error).message}\n`);
      await simulator.stop();
      return 1;
    }
  }
  const save = () => {
    if (countersFile !== undefined) saveCounters(countersFile, simulator.counters());
  };
  const saver = countersFile === undefined ? undefined : setInterval(save, COUNTER_SAVE_MS);
  await stopSignal;
  clearInterval(saver);
  await pty?.stop();
  save();
  await simulator.stop();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs("e450 simulate", argv, { options: OPTIONS });
  if (!args.ok) return failUsage(args.message, USAGE);
  const { values } = args;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { settings, problems } = readSettings(values);
  if (problems.length > 0) {
    process.stderr.write(
      `e450 simulate:\n${problems.map((problem) => `  ${problem}`).join("\n")}\n\n${USAGE}`,
    );
    return 2;
  }
  return settings.once ? printOnce(settings) : serve(settings);
}
