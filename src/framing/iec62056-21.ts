/**
 * Incremental framer for the ASCII side of IEC 62056-21 (e450-protocols.md §1.3):
 *
 *  - identification lines `/XXXZ\WIdent CR LF` (§6.3.2; iec62056-21-identification-line.ts),
 *  - mode A–D data readouts `STX data ETX BCC`, BCC = XOR of every byte after STX up to and
 *    including ETX (§6.3.3, §6.4; iec62056-21-readout.ts),
 *  - P1/DSMR push telegrams `/Ident CR LF CR LF data ! CRC CR LF`, CRC-16/ARC over '/' … '!'
 *    (DSMR P1 5.0.2 §6.2), and the DSMR 2.x/3 form that ends `! CR LF` without a CRC
 *    (iec62056-21-telegram.ts).
 *
 * An identification frame is emitted as soon as its CR LF arrives, because in modes A–C the meter then
 * waits for the reader; a telegram that follows the same line carries it again when it ends (and a
 * discarded telegram counts its bytes). Every other byte ends up in exactly one frame or one discard, and
 * the output does not depend on how the input was chunked. Frame starts ('/' and STX) resynchronise at
 * any point; '/' only counts at the start of a line inside a frame, so a value such as "01/02/23" cannot
 * cut a readout.
 *
 * This file is the driver: it feeds bytes to the handler of the current state (shared state in
 * iec62056-21-core.ts) and is the public entry for the frame types.
 */
import { FramerCore, State } from "./iec62056-21-core.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  type Iec62056Frame,
  type Iec62056FramerOptions,
} from "./iec62056-21-frames.js";
import { identificationByte, identificationCrByte } from "./iec62056-21-identification-line.js";
import { endReadout, readoutByte } from "./iec62056-21-readout.js";
import {
  afterIdentificationByte,
  afterIdentificationCrByte,
  telegramBodyByte,
  telegramChecksumByte,
  telegramChecksumCrByte,
} from "./iec62056-21-telegram.js";
import type { Framer, FramerOutput } from "./types.js";

export {
  DEFAULT_MAX_FRAME_BYTES,
  type IdentificationFrame,
  type Iec62056Frame,
  type Iec62056FramerOptions,
  type ReadoutFrame,
  type TelegramFrame,
} from "./iec62056-21-frames.js";

export class Iec62056Framer implements Framer<Iec62056Frame> {
  private readonly core: FramerCore;

  constructor(options: Iec62056FramerOptions = {}) {
    const maxFrameBytes = Math.max(64, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.core = new FramerCore(maxFrameBytes, options.stripParityBit ?? false);
  }

  /** `now` is unused: frame boundaries are given by the bytes alone, so replays and live reads agree. */
  push(chunk: Uint8Array, _now: number): FramerOutput<Iec62056Frame>[] {
    const core = this.core;
    const strip = core.stripParityBit;
    let i = 0;
    while (i < chunk.length) {
      if (core.state === State.Readout || core.state === State.TelegramBody)
        i = core.copyPlainBytes(chunk, i);
      if (i < chunk.length) STEP[core.state](core, strip ? chunk[i++]! & 0x7f : chunk[i++]!);
    }
    return core.takeOutput();
  }

  /** End of input (a replay file ends, a port closes): reports what was still pending. */
  flush(): FramerOutput<Iec62056Frame>[] {
    const core = this.core;
    // After an identification its bytes have been emitted already; only a CR of a blank line is pending.
    if (core.state === State.AfterIdentificationCr) core.noise++;
    core.flushNoise();
    if (core.state === State.AfterIdentification || core.state === State.AfterIdentificationCr) {
      core.length = 0;
      core.state = State.Hunt;
    } else if (core.state !== State.Hunt) {
      core.dropFrame("truncated", "input ended inside a frame");
    }
    return core.takeOutput();
  }

  reset(): void {
    this.core.reset();
  }
}

export function createIec62056Framer(options?: Iec62056FramerOptions): Iec62056Framer {
  return new Iec62056Framer(options);
}

type StepHandler = (core: FramerCore, byte: number) => void;

/** The handler of a byte that needs a decision, by state; the Record type makes it exhaustive. */
const STEP: Readonly<Record<State, StepHandler>> = {
  [State.Hunt]: (core, byte) => core.hunt(byte),
  [State.Identification]: identificationByte,
  [State.IdentificationCr]: identificationCrByte,
  [State.AfterIdentification]: afterIdentificationByte,
  [State.AfterIdentificationCr]: afterIdentificationCrByte,
  [State.TelegramBody]: telegramBodyByte,
  [State.TelegramChecksum]: telegramChecksumByte,
  [State.TelegramChecksumCr]: telegramChecksumCrByte,
  [State.Readout]: readoutByte,
  [State.ReadoutBcc]: endReadout,
};
