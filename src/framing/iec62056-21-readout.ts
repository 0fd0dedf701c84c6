/**
 * Mode A–D data readouts `STX data ETX BCC` (IEC 62056-21 §6.3.3, §6.4): BCC is the XOR of every byte
 * after STX up to and including ETX. The readout is entered from FramerCore.hunt on STX.
 */
import { type FramerCore, State } from "./iec62056-21-core.js";
import { ETX, asciiText, hex2 } from "./iec62056-21-bytes.js";
import { trackLine } from "./iec62056-21-identification-line.js";

/** A byte between STX and ETX, ETX included. */
export function readoutByte(core: FramerCore, byte: number): void {
  if (byte === ETX) {
    core.bcc ^= byte;
    core.state = State.ReadoutBcc;
    return;
  }
  if (core.startsNextFrame(byte)) {
    core.resyncAt(byte, "truncated", "readout cut short by the next frame");
    return;
  }
  if (!core.append(byte)) return;
  core.bcc ^= byte;
  trackLine(core, byte);
}

/** The BCC after ETX ends the readout. */
export function endReadout(core: FramerCore, sentBcc: number): void {
  const total = core.length + 3; // STX, ETX and BCC
  const data = asciiText(core.buffer, 0, core.length);
  const identification = core.identification;
  core.state = State.Hunt;
  core.length = 0;
  core.identification = null;
  if (sentBcc !== core.bcc) {
    core.emitDiscard("bcc", total, `BCC sent ${hex2(sentBcc)}, computed ${hex2(core.bcc)}`);
    return;
  }
  core.emitFrame({ type: "readout", identification, data, bcc: sentBcc });
}
