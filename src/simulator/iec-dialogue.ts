/**
 * The meter side of an IEC 62056-21 mode C session (IEC 62056-21 §6.4.3, messages of §6.3), without
 * I/O: bytes from the reader in, what the meter must answer out. Sign-on `/?[address]!CRLF` gets the
 * identification; the acknowledgement `ACK 0 Z 0 CRLF` gets the data readout (the baud change-over
 * to Z is the serial port's business; over TCP the session simply continues). Programming mode
 * (`ACK 0 Z 1`) is not offered; the meter returns to waiting for a sign-on, as after any unexpected input.
 */

export type DialogueAnswer =
  | { readonly kind: "identification" }
  | { readonly kind: "readout"; readonly baudCharacter: string };

const ACK = 0x06;
const MAX_LINE = 64;
const SIGN_ON = /\/\?([A-Za-z0-9 ]*)!$/;
const ACKNOWLEDGEMENT = /^\x060([0-9])([0-9])$/;

export class ModeCDialogue {
  private line = "";
  private state: "idle" | "identified" = "idle";

  /** `addresses`: device addresses this meter answers to besides the empty (any-meter) address. */
  constructor(private readonly addresses: readonly string[]) {}

  receive(chunk: Uint8Array): DialogueAnswer[] {
    const answers: DialogueAnswer[] = [];
    for (const byte of chunk) {
      if (byte === 0x0a && this.line.endsWith("\r")) {
        const answer = this.complete(this.line.slice(0, -1));
        if (answer) answers.push(answer);
        this.line = "";
        continue;
      }
      // an ACK always starts a new message; anything longer than a sign-on is noise
      if (byte === ACK) this.line = "";
      this.line = (this.line + String.fromCharCode(byte)).slice(-MAX_LINE);
    }
    return answers;
  }

  private complete(line: string): DialogueAnswer | null {
    const signOn = SIGN_ON.exec(line);
    if (signOn) {
      const address = signOn[1] ?? "";
      this.state = address === "" || this.addresses.includes(address) ? "identified" : "idle";
      return this.state === "identified" ? { kind: "identification" } : null;
    }
    const acknowledgement = ACKNOWLEDGEMENT.exec(line);
    const wasIdentified = this.state === "identified";
    this.state = "idle";
    if (wasIdentified && acknowledgement && acknowledgement[2] === "0") {
      return { kind: "readout", baudCharacter: acknowledgement[1]! };
    }
    return null;
  }
}
