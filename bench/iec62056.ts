/**
 * IEC 62056-21 readouts per second through the full path (framer with BCC/CRC check → data sets →
 * Snapshot), against smartmeter-obis 4.0.0's D0 protocol parser on the same readouts in the same run.
 * Inputs: the real E350 mode C readout and E360 P1 telegram (tests/fixtures/iec62056/frames.json).
 * Run from the project root: `npm run bench` (or `npx tsx -e "import('./bench/iec62056.ts').then(m => m.benchIec62056())"`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { createIec62056Framer } from "../src/framing/iec62056-21.js";
import { decodeIec62056Frame } from "../src/iec62056/snapshot.js";

const READOUT_IDS = ["lgz-e350-zmf100-iec62056-21-modeC-readout", "lg-e360-dsmr-p1-gh382-1"];
const TRIALS = 5;
const TRIAL_MS = 300;

interface D0Protocol {
  initState(): void;
  checkMessage(message: Buffer): boolean;
  handleMessage(message: Buffer): Buffer | null;
}
type D0ProtocolConstructor = new (
  options: Record<string, unknown>,
  store: (error: Error | null, result: Record<string, unknown> | null) => void,
) => D0Protocol;

function loadReadouts(): string[] {
  const file = JSON.parse(readFileSync("tests/fixtures/iec62056/frames.json", "utf8")) as {
    cases: { id: string; payload: string }[];
  };
  return READOUT_IDS.map((id) => {
    const found = file.cases.find((c) => c.id === id);
    if (!found) throw new Error(`bench: fixture ${id} missing from tests/fixtures/iec62056/frames.json`);
    return found.payload;
  });
}

/** Our path: one framer over a stream of readouts, each verified and turned into a Snapshot. */
function ours(inputs: readonly Uint8Array[], rounds: number): number {
  const framer = createIec62056Framer();
  let readouts = 0;
  let readings = 0;
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      for (const output of framer.push(input, 0)) {
        if (output.kind !== "frame" || output.frame.type === "identification") continue;
        readings += decodeIec62056Frame(output.frame).snapshot.readings.length;
        readouts++;
      }
    }
  }
  if (readouts !== rounds * inputs.length || readings === 0) throw new Error("bench: our path lost readouts");
  return readouts;
}

/**
 * smartmeter-obis: its D0 protocol object fed the received bytes as its serial transports do
 * (lib/transports/SerialResponseTransport.js: checkMessage, then handleMessage with what is left), one
 * protocol object per readout as each request cycle starts from initState(). It checks neither BCC nor CRC.
 */
function theirs(D0: D0ProtocolConstructor, inputs: readonly Buffer[], rounds: number): number {
  let readouts = 0;
  let values = 0;
  const store = (error: Error | null, result: Record<string, unknown> | null) => {
    if (!error && result) {
      readouts++;
      values += Object.keys(result).length;
    }
  };
  const options = { transportSerialBaudrate: 300, debug: 0, logger: () => {} };
  for (let round = 0; round < rounds; round++) {
    for (const input of inputs) {
      const protocol = new D0(options, store);
      protocol.initState();
      let message: Buffer | null = input;
      while (message && message.length > 0 && protocol.checkMessage(message)) {
        message = protocol.handleMessage(message);
      }
    }
  }
  if (readouts !== rounds * inputs.length || values === 0)
    throw new Error("bench: smartmeter-obis lost readouts");
  return readouts;
}

/** Readouts per second of one timed trial of about `ms`, rounds doubling until the time is spent. */
function trial(work: (rounds: number) => number, ms: number): number {
  let rounds = 50;
  let elapsed = 0;
  let done = 0;
  while (elapsed < ms) {
    const start = performance.now();
    done += work(rounds);
    elapsed += performance.now() - start;
    rounds *= 2;
  }
  return (done / elapsed) * 1000;
}

/**
 * Best of several trials per side, the sides alternating, so that a burst of load from other processes
 * on a shared machine hits both and is not mistaken for either parser's speed.
 */
function bestRates(a: (rounds: number) => number, b: (rounds: number) => number): [number, number] {
  a(200);
  b(200);
  let bestA = 0;
  let bestB = 0;
  for (let i = 0; i < TRIALS; i++) {
    bestA = Math.max(bestA, trial(a, TRIAL_MS));
    bestB = Math.max(bestB, trial(b, TRIAL_MS));
  }
  return [bestA, bestB];
}

export async function benchIec62056(): Promise<void> {
  const payloads = loadReadouts();
  const bytes = payloads.map((p) => Uint8Array.from(p, (ch) => ch.charCodeAt(0)));
  const buffers = payloads.map((p) => Buffer.from(p, "latin1"));
  const require = createRequire(import.meta.url);
  const D0 = require("smartmeter-obis/lib/protocols/D0Protocol.js") as D0ProtocolConstructor;

  const [ourRate, theirRate] = bestRates(
    (rounds) => ours(bytes, rounds),
    (rounds) => theirs(D0, buffers, rounds),
  );
  const format = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `IEC 62056-21 readouts (E350 mode C readout + E360 P1 telegram, alternating): ` +
      `e450 ${format(ourRate)}/s, smartmeter-obis 4.0.0 ${format(theirRate)}/s, ` +
      `ratio ${(ourRate / theirRate).toFixed(2)}× (target ≥ 3×; best of ${TRIALS} alternating trials each)`,
  );
}
