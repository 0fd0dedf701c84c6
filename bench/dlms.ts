/**
 * DLMS decode throughput per push format through the full path (framing, GBT, AES-GCM, A-XDR,
 * layout, scaling), against a named baseline in the same run: node:crypto's AES-128-GCM alone over
 * the same ciphertexts, the floor any decoder of encrypted pushes pays. Then flat memory over a
 * stream of 1,000,000 HDLC frames into one long-running decoder.
 */
import { createDecipheriv } from "node:crypto";
import { initialisationVector, isCiphered, parseCiphered } from "../src/dlms/cipher.js";
import { GBT_TAG, GbtReassembler, parseGbtBlock } from "../src/dlms/gbt.js";
import { HdlcFramer } from "../src/framing/hdlc.js";
import { HdlcSegmentJoiner } from "../src/framing/hdlc-reassembly.js";
import { StreamDecoder } from "../src/reader/stream-decoder.js";
import {
  createMeterState,
  type FormatName,
  generatePush,
  SIMULATOR_DEFAULT_KEYS,
} from "../src/simulator/index.js";

const PUSHES = 2_000;
const START = Date.UTC(2026, 5, 1);

function pushes(format: FormatName, count: number): Uint8Array[] {
  const state = createMeterState({ start: START, photovoltaicPeakWatts: 6000 });
  return Array.from({ length: count }, (_, i) => generatePush(format, state, START + (i + 1) * 5_000));
}

function decodeAll(stream: readonly Uint8Array[]): { seconds: number; snapshots: number; frames: number } {
  const decoder = new StreamDecoder(SIMULATOR_DEFAULT_KEYS);
  let snapshots = 0;
  const started = process.hrtime.bigint();
  stream.forEach((bytes, i) => {
    for (const event of decoder.push(bytes, i * 5_000)) if (event.kind === "snapshot") snapshots++;
  });
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    snapshots,
    frames: decoder.stats.framesReceived,
  };
}

/** The baseline: only AES-128-GCM with tag check over each push's ciphertext (already extracted). */
function cryptoOnly(apdus: readonly Uint8Array[]): number {
  const parsed = apdus.map(parseCiphered);
  const started = process.hrtime.bigint();
  for (const apdu of parsed) {
    const iv = initialisationVector(apdu);
    if (!apdu.tag) {
      // Encryption only (SC 0x20): GCM's keystream, AES-CTR from counter 2.
      const counter = Buffer.concat([iv, Buffer.of(0, 0, 0, 2)]);
      const ctr = createDecipheriv("aes-128-ctr", SIMULATOR_DEFAULT_KEYS.encryptionKey!, counter);
      ctr.update(apdu.payload);
      ctr.final();
      continue;
    }
    const gcm = createDecipheriv("aes-128-gcm", SIMULATOR_DEFAULT_KEYS.encryptionKey!, iv, {
      authTagLength: 12,
    });
    gcm.setAAD(Buffer.concat([Buffer.of(apdu.securityControl), SIMULATOR_DEFAULT_KEYS.authenticationKey!]));
    gcm.setAuthTag(apdu.tag);
    gcm.update(apdu.payload);
    gcm.final();
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The ciphered APDUs inside the pushes, prepared outside the timed region for the baseline. */
function cipheredApdus(stream: readonly Uint8Array[]): Uint8Array[] {
  const framer = new HdlcFramer();
  const joiner = new HdlcSegmentJoiner();
  const gbt = new GbtReassembler();
  const apdus: Uint8Array[] = [];
  for (const bytes of stream) {
    for (const output of framer.push(bytes, 0)) {
      if (output.kind !== "frame") continue;
      const assembly = joiner.push(output.frame);
      if (assembly.kind !== "apdu") continue;
      if (assembly.apdu[0] !== GBT_TAG) apdus.push(assembly.apdu);
      else
        for (const result of gbt.push(parseGbtBlock(assembly.apdu), 0))
          if (result.kind === "apdu") apdus.push(result.apdu);
    }
  }
  return apdus.filter(isCiphered);
}

function measure(format: FormatName): void {
  const stream = pushes(format, PUSHES);
  for (let i = 0; i < 5; i++) decodeAll(stream); // warm-up: let the JIT settle before timing
  const runs = [decodeAll(stream), decodeAll(stream), decodeAll(stream)];
  const best = Math.min(...runs.map((run) => run.seconds));
  const perSecond = PUSHES / best;
  const frames = runs[0]!.frames;
  let line = `  ${format.padEnd(13)} ${Math.round(perSecond).toLocaleString("en").padStart(9)} pushes/s  ${Math.round(
    frames / best,
  )
    .toLocaleString("en")
    .padStart(9)} frames/s`;
  if (runs[0]!.snapshots !== PUSHES) line += `  (!) ${runs[0]!.snapshots}/${PUSHES} decoded`;
  const apdus = cipheredApdus(stream);
  if (apdus.length > 0) {
    cryptoOnly(apdus);
    const baseline = Math.min(cryptoOnly(apdus), cryptoOnly(apdus));
    line += `  baseline AES-GCM only: ${Math.round(apdus.length / baseline).toLocaleString("en")}/s, full path costs ${(best / baseline).toFixed(1)}× the cipher`;
  }
  console.log(line);
}

function memoryOverLongStream(): void {
  const frames: Uint8Array[] = [];
  const sample = pushes("swiss", 200);
  for (const push of sample) frames.push(push);
  const framesPerPush = 4;
  const total = 1_000_000;
  const decoder = new StreamDecoder({});
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => {
    gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const samples: number[] = [heap()];
  let peakRss = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  let pushed = 0;
  for (let i = 0; pushed < total; i++) {
    decoder.push(frames[i % frames.length]!, i * 5_000);
    pushed += framesPerPush;
    if (pushed % (total / 4) === 0) {
      samples.push(heap());
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `  1,000,000 HDLC frames (250,000 Swiss GBT pushes) into one decoder in ${seconds.toFixed(1)} s; heap after GC at 0/25/50/75/100 %: ${samples.map((mb) => mb.toFixed(1)).join(" / ")} MiB; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB${gc ? "" : " (run with --expose-gc for exact heap figures)"}`,
  );
}

export async function benchDlms(): Promise<void> {
  console.log(`DLMS pushes through the full decode path (best of 3 × ${PUSHES} pushes, one core):`);
  for (const format of ["steiermark", "burgenland", "wiener-netze", "swiss"] as const) measure(format);
  memoryOverLongStream();
}
