/** Every format the virtual E450 speaks, with its real push interval and how to render it. */
import { burgenlandPushValues, encodeBurgenlandPush } from "./burgenland.js";
import { identificationFrame, readoutFrame } from "./iec62056-21.js";
import type { OutgoingFrame } from "./outgoing-frame.js";
import { cipheringOf, type PushContext } from "./push-context.js";
import { encodeSteiermarkPush, steiermarkPushValues } from "./steiermark.js";
import { encodeSwissPush, swissPushValues } from "./swiss.js";
import { encodeWienerNetzePush, wienerNetzePushValues } from "./wiener-netze.js";

export const FORMAT_NAMES = ["swiss", "steiermark", "burgenland", "wiener-netze", "iec62056-21"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export function isFormatName(name: string): name is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(name);
}

interface FormatBase {
  readonly name: FormatName;
  readonly encrypted: boolean;
  /** The serial line of the real interface, for people wiring a bridge. */
  readonly line: string;
  /** Layout name to give the decoder for positional bodies; undefined where the body describes itself. */
  readonly decoderLayout?: "burgenland" | "wiener-netze";
  /** One push (or, for the readout, identification + data message) as frames. */
  readonly render: (context: PushContext) => OutgoingFrame[];
}

/** A meter that sends unasked, every push interval. */
interface PushFormatSpec extends FormatBase {
  readonly mode: "push";
  /** Push period of the real meter, ms. */
  readonly pushIntervalMs: number;
}

/** A meter that only answers: an IEC 62056-21 sign-on gets identification and readout. */
interface DialogueFormatSpec extends FormatBase {
  readonly mode: "dialogue";
}

export type FormatSpec = PushFormatSpec | DialogueFormatSpec;

/**
 * Swiss CII E450s push every 5 s (Romande Energie's specification and log in
 * scs/smartmeter-datacollector#61), Burgenland ones too (the frame counters of amsreader-firmware
 * gh501-1/-2); no source states the other Austrian intervals, so they are taken as 5 s as well.
 */
const FIVE_SECONDS = 5000;

export const FORMATS: Readonly<Record<FormatName, FormatSpec>> = {
  swiss: {
    name: "swiss",
    mode: "push",
    pushIntervalMs: FIVE_SECONDS,
    encrypted: false,
    line: "wired M-Bus 2400 8E1",
    render: (context) => encodeSwissPush(swissPushValues(context)),
  },
  steiermark: {
    name: "steiermark",
    mode: "push",
    pushIntervalMs: FIVE_SECONDS,
    encrypted: true,
    line: "M-Bus 2400 8E1",
    render: (context) => encodeSteiermarkPush(steiermarkPushValues(context), cipheringOf(context)),
  },
  burgenland: {
    name: "burgenland",
    mode: "push",
    pushIntervalMs: FIVE_SECONDS,
    encrypted: true,
    line: "M-Bus 2400 8E1 or optical 9600 8N1",
    decoderLayout: "burgenland",
    render: (context) => encodeBurgenlandPush(burgenlandPushValues(context), cipheringOf(context)),
  },
  "wiener-netze": {
    name: "wiener-netze",
    mode: "push",
    pushIntervalMs: FIVE_SECONDS,
    encrypted: true,
    line: "optical 9600 8N1",
    decoderLayout: "wiener-netze",
    render: (context) => encodeWienerNetzePush(wienerNetzePushValues(context), cipheringOf(context)),
  },
  "iec62056-21": {
    name: "iec62056-21",
    mode: "dialogue",
    encrypted: false,
    line: "optical 300 7E1, then 9600 7E1 after the acknowledgement",
    render: (context) => [identificationFrame(), readoutFrame(context.measurements, context.identity)],
  },
};
