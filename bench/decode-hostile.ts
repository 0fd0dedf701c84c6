/**
 * `e450 decode` on 100 MB captures, run as users run it: the built command in a child process, the
 * file read from a temporary folder. Hostile input (repeated 7E A7 FF: a discarded HDLC frame every
 * three bytes; seeded random noise) against named baselines in the same run: the same command
 * decoding 100 MB of valid pushes (time: what decoding costs when every byte is useful), a child that
 * only reads the file (the I/O floor), and the command decoding one push (memory: what the process
 * needs before any input is held). Peak RSS is the child's own resourceUsage().maxRSS, reported at exit.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMeterState, generatePush } from "../src/simulator/index.js";
import { SeededStream } from "../src/simulator/random.js";

const SIZE = 100 * 2 ** 20;
const CLI = fileURLToPath(new URL("../src/cli.js", import.meta.url));
const MARK = "e450-bench-usage ";
/** Loaded before the command: reports the child's peak RSS (KiB) and CPU time (µs) on stderr as it exits. */
const USAGE_PROBE = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("\\n${MARK}"+u.maxRSS+" "+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;

interface Run {
  readonly seconds: number;
  /** User and system CPU time: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  readonly outputBytes: number;
  readonly exitCode: number | null;
}

/** Runs node with the probe; stdout is counted, never kept, so the parent's memory stays out of it. */
function runChild(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--import", USAGE_PROBE, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let outputBytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      outputBytes += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("latin1")).slice(-4096);
    });
    child.on("error", reject);
    child.on("close", (exitCode) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const [kb, micros] = stderr
        .slice(stderr.lastIndexOf(MARK) + MARK.length)
        .trim()
        .split(" ")
        .map(Number);
      if (!stderr.includes(MARK) || !Number.isFinite(kb) || !Number.isFinite(micros))
        reject(new Error(`no usage figures from the child: ${stderr}`));
      else resolve({ seconds, cpuSeconds: micros! / 1e6, rssMiB: kb! / 1024, outputBytes, exitCode });
    });
  });
}

/** Writes `size` bytes to `path`, block by block from `next`, so the parent never holds the file. */
async function writeFile(path: string, size: number, next: () => Uint8Array): Promise<void> {
  const out = createWriteStream(path);
  for (let written = 0; written < size; ) {
    const block = next().subarray(0, size - written);
    written += block.length;
    if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** 2,000 distinct Swiss pushes (clear text, four HDLC frames each), repeated to the size. */
function validPushes(): Uint8Array {
  const start = Date.UTC(2026, 5, 1);
  const state = createMeterState({ start, photovoltaicPeakWatts: 6000 });
  return Buffer.concat(
    Array.from({ length: 2_000 }, (_, i) => generatePush("swiss", state, start + (i + 1) * 5_000)),
  );
}

function line(label: string, run: Run, extra = ""): string {
  const output =
    run.outputBytes >= 2 ** 20 ? `${(run.outputBytes / 2 ** 20).toFixed(0)} MiB` : `${run.outputBytes} B`;
  return `  ${label.padEnd(34)} ${run.seconds.toFixed(1).padStart(6)} s wall ${run.cpuSeconds.toFixed(1).padStart(6)} s CPU  ${run.rssMiB.toFixed(0).padStart(5)} MiB peak RSS  output ${output.padStart(8)}  exit ${run.exitCode}${extra}`;
}

export async function benchDecodeHostile(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "e450-bench-decode-"));
  try {
    const files = {
      valid: join(folder, "valid.bin"),
      triples: join(folder, "7ea7ff.bin"),
      triplesTenth: join(folder, "7ea7ff-tenth.bin"),
      noise: join(folder, "noise.bin"),
      one: join(folder, "one-push.bin"),
    };
    const pushes = validPushes();
    await writeFile(files.valid, SIZE, () => pushes);
    const triples = Buffer.from("7EA7FF".repeat(2 ** 18), "hex");
    await writeFile(files.triples, SIZE, () => triples);
    await writeFile(files.triplesTenth, SIZE / 10, () => triples);
    const random = new SeededStream(450);
    await writeFile(files.noise, SIZE, () => random.bytes(2 ** 20));
    writeFileSync(
      files.one,
      generatePush("swiss", createMeterState({ start: Date.UTC(2026, 5, 1) }), Date.UTC(2026, 5, 1)),
    );

    const readOnly = await runChild([
      "-e",
      `const s = require("node:fs").createReadStream(${JSON.stringify(files.triples)}, { highWaterMark: 65536 }); s.on("data", () => {});`,
    ]);
    const one = await runChild([CLI, "decode", "--file", files.one]);
    const valid = await runChild([CLI, "decode", "--file", files.valid]);
    const triplesRun = await runChild([CLI, "decode", "--file", files.triples]);
    const tenthRun = await runChild([CLI, "decode", "--file", files.triplesTenth]);
    const noiseRun = await runChild([CLI, "decode", "--file", files.noise]);

    const mib = statSync(files.valid).size / 2 ** 20;
    const versus = (run: Run) =>
      `  → CPU ${(run.cpuSeconds / valid.cpuSeconds).toFixed(2)}× valid pushes, RSS ${(run.rssMiB / one.rssMiB).toFixed(2)}× one push`;
    console.log(
      `e450 decode --file F on ${mib.toFixed(0)} MiB captures (child process; CPU time and peak RSS from its resourceUsage):`,
    );
    console.log(line("baseline: read the file only", readOnly));
    console.log(line("baseline: one push (memory floor)", one));
    console.log(
      line(
        "baseline: valid Swiss pushes",
        valid,
        `  (${(mib / valid.cpuSeconds).toFixed(1)} MiB per CPU second)`,
      ),
    );
    console.log(line("hostile: repeated 7E A7 FF", triplesRun, versus(triplesRun)));
    console.log(line("hostile: seeded random noise", noiseRun, versus(noiseRun)));
    console.log(
      line(
        "hostile: 7E A7 FF, a tenth of it",
        tenthRun,
        `  → ten times the input takes ${(triplesRun.rssMiB / tenthRun.rssMiB).toFixed(2)}× the RSS`,
      ),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
