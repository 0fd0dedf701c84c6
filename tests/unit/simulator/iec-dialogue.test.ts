import { describe, expect, it } from "vitest";
import { ModeCDialogue } from "../../../src/simulator/iec-dialogue.js";

const bytes = (text: string) => Uint8Array.from(Buffer.from(text, "latin1"));

describe("IEC 62056-21 mode C dialogue (meter side)", () => {
  it("answers sign-on with the identification and ACK 0 Z 0 with the readout", () => {
    const dialogue = new ModeCDialogue(["12345678"]);
    expect(dialogue.receive(bytes("/?!\r\n"))).toEqual([{ kind: "identification" }]);
    expect(dialogue.receive(bytes("\x06050\r\n"))).toEqual([{ kind: "readout", baudCharacter: "5" }]);
  });

  it("assembles messages split at any byte", () => {
    const dialogue = new ModeCDialogue([]);
    const answers = [..."/?!\r\n\x06000\r\n"].flatMap((char) => dialogue.receive(bytes(char)));
    expect(answers).toEqual([{ kind: "identification" }, { kind: "readout", baudCharacter: "0" }]);
  });

  it("answers its own address and ignores another meter's", () => {
    const dialogue = new ModeCDialogue(["12345678"]);
    expect(dialogue.receive(bytes("/?87654321!\r\n"))).toEqual([]);
    expect(dialogue.receive(bytes("\x06050\r\n"))).toEqual([]);
    expect(dialogue.receive(bytes("/?12345678!\r\n"))).toEqual([{ kind: "identification" }]);
  });

  it("offers no programming mode and needs a new sign-on after it", () => {
    const dialogue = new ModeCDialogue([]);
    dialogue.receive(bytes("/?!\r\n"));
    expect(dialogue.receive(bytes("\x06051\r\n"))).toEqual([]);
    expect(dialogue.receive(bytes("\x06050\r\n"))).toEqual([]);
  });

  it("ignores an acknowledgement without sign-on and noise before a sign-on", () => {
    const dialogue = new ModeCDialogue([]);
    expect(dialogue.receive(bytes("\x06050\r\n"))).toEqual([]);
    expect(dialogue.receive(bytes("\x00\xff garbage/?!\r\n"))).toEqual([{ kind: "identification" }]);
  });
});
