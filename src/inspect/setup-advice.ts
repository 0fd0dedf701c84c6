/**
 * What to do next, from what the line showed. One diagnosis of why nothing decodes (the first cause
 * that fits, from the cable up to the layout), or "all good", then side notes. The settings and
 * failure modes come from ../shared/research/e450-protocols.md §1 (line settings per interface and
 * operator) and ../shared/research/peers.md (what owners get stuck on: wrong keys that look like
 * "no data", an authentication key that is not needed, layouts that differ per operator).
 */
import type { Issue } from "../model/issue.js";
import type { Snapshot } from "../model/snapshot.js";
import type { SetupAdvice, SetupFraming, SetupObservation } from "./setup-types.js";
import type { InspectSummary } from "./types.js";

/** What the line showed within the report's window. */
export interface Evidence {
  readonly observation: SetupObservation;
  readonly watchedMs: number;
  readonly bytes: number;
  readonly bytesPerSecond: number;
  /** Whether `bytes` counts every byte, or only those of complete frames. */
  readonly countsBytes: boolean;
  readonly framing: SetupFraming | null;
  readonly frames: number;
  /** The issues the runtime reported in the window. */
  readonly reported: readonly Issue[];
  /** The issues of the recent frames decoded again with the configured keys. */
  readonly inspected: readonly Issue[];
  readonly summary: InspectSummary | null;
  /** The latest decoded push or readout within the window. */
  readonly decoded: Snapshot | null;
}

/** A silence this long is no longer a gap between pushes (5–10 s on the E450, esphome PR #16942). */
const QUIET_MS = 30_000;
const CHECKSUM_CODES: ReadonlySet<string> = new Set([
  "frame-hcs",
  "frame-fcs",
  "frame-mbus-checksum",
  "frame-bcc",
  "frame-crc16",
]);
const KEY_CODES: ReadonlySet<string> = new Set(["auth-failed", "garbage-plaintext", "wrong-key"]);
const BLOCK_CODES: ReadonlySet<string> = new Set(["gbt-incomplete", "gbt-out-of-order", "gbt-duplicate"]);

/** E450 line settings per interface (e450-protocols.md §1.1–1.2; DSMR P1 5.0.2 §4.2 for P1). */
const SETTINGS =
  "The E450's M-Bus customer interface sends at 2400 Bd 8E1, its optical port pushes at 9600 Bd 8N1, a P1 port at 115200 Bd 8N1.";

export function adviceFor(evidence: Evidence): SetupAdvice[] {
  const { link, linkReason } = evidence.observation;
  if (link === "down" || link === "stopped") {
    const reason = linkReason ? ` (${linkReason})` : "";
    return [
      error(
        "link-down",
        `The serial port or bridge is not open${reason}: check that the adapter is plugged in and that the device in the options exists (a /dev/serial/by-id/… path survives a reboot).`,
      ),
    ];
  }
  if (link === "connecting") return [warn("link-connecting", "Opening the serial port or bridge…")];
  const diagnosis = evidence.decoded ? decodedAdvice(evidence) : whyNothingDecodes(evidence);
  return [diagnosis, ...sideNotes(evidence)];
}

function whyNothingDecodes(evidence: Evidence): SetupAdvice {
  const seconds = Math.round(evidence.watchedMs / 1000);
  if (evidence.frames === 0 && evidence.bytes === 0) {
    if (evidence.watchedMs < QUIET_MS)
      return ok(
        "listening",
        `Listening for ${seconds} s. The E450 pushes every 5 to 10 seconds: wait a little.`,
      );
    // The meter powers the M-Bus (e450-protocols.md §1.1), so an adapter that does too, or a dead
    // one, carries nothing; some operators open the interface only on request (DomiStyle/
    // esphome-dlms-meter#12, UtilitechAS/amsreader-firmware#235).
    const what = evidence.countsBytes ? "No bytes at all" : "No frame";
    return error(
      evidence.countsBytes ? "no-bytes" : "no-frame",
      `${what} for ${seconds} s: check the cable (RJ12 into the meter's customer interface) and that the M-Bus adapter is powered. The E450 is the bus master and feeds the line, so the adapter must be an M-Bus slave (meter-side) adapter. An optical head must sit on the meter's infrared window. If it stays silent, ask your grid operator to switch the customer interface on.`,
    );
  }
  if (evidence.frames === 0 && !evidence.decoded) {
    if (hasAny(evidence, CHECKSUM_CODES)) return checksumAdvice(evidence, true);
    return error(
      "no-frame",
      `${rate(evidence)} arrive but form no frame: the baud rate or serial format is wrong. ${SETTINGS}${lineHint(evidence)}`,
    );
  }
  const summary = evidence.summary;
  if (
    hasAny(evidence, new Set(["missing-key"])) ||
    (summary?.encrypted && !evidence.observation.keys.encryptionKey)
  ) {
    return error(
      "key-missing",
      `The frames are encrypted${sender(summary)}: enter the encryption key your grid operator sent you (32 hex digits) in the options.`,
    );
  }
  const keyIssue = [...evidence.reported, ...evidence.inspected].find((issue) => KEY_CODES.has(issue.code));
  if (keyIssue) return keyAdvice(keyIssue, summary);
  if (hasAny(evidence, new Set(["unknown-layout"]))) {
    return error(
      "layout-unknown",
      `The frames decode, but no known push layout explains their content${sender(summary)}. If your operator is listed under "layout" in the options (burgenland, wiener-netze, slovenia …), choose it; otherwise copy a frame from the Inspector and report it.`,
    );
  }
  if (hasAny(evidence, BLOCK_CODES)) return blockAdvice(evidence, "error");
  if (hasAny(evidence, CHECKSUM_CODES)) return checksumAdvice(evidence, true);
  const first = evidence.reported[0] ?? evidence.inspected[0];
  return warn(
    "no-decode",
    `${evidence.frames} frame(s) arrived but no push decoded yet${first ? `: ${first.message}` : ": waiting for a complete push"}.`,
  );
}

function decodedAdvice(evidence: Evidence): SetupAdvice {
  const latest = evidence.observation.latest;
  const ago = latest ? Math.max(0, Math.round((evidence.observation.now - latest.at) / 1000)) : 0;
  const layout = evidence.summary?.layout;
  return ok(
    "decoded",
    `Decoded: all good.${layout ? ` The push layout "${layout}" matched.` : ""} The last ${evidence.decoded?.source === "dlms-push" ? "push" : "readout"} came ${ago} s ago.`,
  );
}

function sideNotes(evidence: Evidence): SetupAdvice[] {
  const notes: SetupAdvice[] = [];
  if (evidence.decoded) {
    if (hasAny(evidence, CHECKSUM_CODES)) notes.push(checksumAdvice(evidence, false));
    if (hasAny(evidence, BLOCK_CODES)) notes.push(blockAdvice(evidence, "warn"));
    const summary = evidence.summary;
    if (summary?.protocol && !summary.encrypted && evidence.observation.keys.encryptionKey) {
      // Swiss E450s push in the clear (e450-protocols.md §1.1: no encryption in any published CH capture).
      notes.push(ok("key-unused", "The pushes are not encrypted: the key in the options is not needed."));
    }
  }
  const held = evidence.observation.diagnostics?.totalsHeldBack ?? 0;
  if (held > 0) {
    notes.push(
      warn(
        "totals-held",
        `The integrity guard held back ${held} energy total(s) as implausible. If the meter was replaced, accept the new baseline under Diagnostics.`,
      ),
    );
  }
  return notes;
}

/**
 * A tag that fails while counter mode yields a push means only the authentication key is wrong
 * (dlms/push.ts decipherOrExplain). Netz Burgenland needs no authentication key at all (tosog/nbsm),
 * and Swiss operators append a tag but withhold the key (amsreader-firmware#720).
 */
function keyAdvice(issue: Issue, summary: InspectSummary | null): SetupAdvice {
  if (issue.message.includes("authentication key does not match"))
    return error(
      "auth-key-wrong",
      `The encryption key is right but the authentication key is wrong${sender(summary)}: correct it, or leave it empty; the pushes then decrypt without the tag check (Netz Burgenland, for one, sends no authentication key).`,
    );
  return error(
    "key-wrong",
    `Decryption fails${sender(summary)}: the encryption key does not match this meter (or the authentication key is wrong). Compare both with your grid operator's letter: 32 hex digits each, for the meter with this system title.`,
  );
}

function blockAdvice(evidence: Evidence, level: "warn" | "error"): SetupAdvice {
  const bridge = evidence.observation.line === null ? " On a TCP bridge, raise its packet timeout." : "";
  return {
    level,
    code: "push-incomplete",
    text: `Pushes arrive incomplete (general-block-transfer blocks missing or repeated). The blocks of one push can be 3 s apart (esphome PR #16942); a line that drops bytes loses them.${bridge}`,
  };
}

function checksumAdvice(evidence: Evidence, nothingDecodes: boolean): SetupAdvice {
  const count = evidence.reported.filter((issue) => CHECKSUM_CODES.has(issue.code)).length;
  const what = count > 0 ? `${count} frame(s) in the last minute` : "Frames";
  if (nothingDecodes)
    return error(
      "checksum-errors",
      `${what} arrived with bad checksums and none decoded: usually the parity (8E1 against 8N1) or a poor connection. ${SETTINGS}${lineHint(evidence)}`,
    );
  return warn(
    "checksum-errors",
    `${what} had bad checksums and were dropped: check the cable and its contacts; a long unshielded line picks up interference.`,
  );
}

/** What the port runs at, and whether the add-on is trying the others. */
function lineHint(evidence: Evidence): string {
  const { line } = evidence.observation;
  if (line === null) return " Set this on the bridge's serial side.";
  const { format } = line;
  const now = `${format.baudRate} Bd ${format.dataBits}${format.parity[0]!.toUpperCase()}${format.stopBits}`;
  const sevenBit = evidence.reported.some((issue) => issue.message.includes("bit 7 set"))
    ? " Most bytes have bit 7 set: a 7E1 line (the IEC 62056-21 optical readout) read as 8 bits."
    : "";
  // Netz Burgenland's meters are reported both at 8E1 and 8N1 (scs#54, amsreader-firmware#501).
  return line.hunting
    ? ` The add-on is trying them in turn (now ${now}).${sevenBit}`
    : ` The port runs at ${now}; set the baud rate to "auto" to let the add-on try them.${sevenBit}`;
}

function sender(summary: InspectSummary | null): string {
  if (!summary?.systemTitle) return "";
  return ` (system title ${summary.systemTitle}${summary.manufacturer ? `, ${summary.manufacturer}` : ""})`;
}

function rate(evidence: Evidence): string {
  return evidence.countsBytes ? `${Math.round(evidence.bytesPerSecond * 10) / 10} bytes per second` : "Bytes";
}

function hasAny(evidence: Evidence, codes: ReadonlySet<string>): boolean {
  return [...evidence.reported, ...evidence.inspected].some((issue) => codes.has(issue.code));
}

const ok = (code: string, text: string): SetupAdvice => ({ level: "ok", code, text });
const warn = (code: string, text: string): SetupAdvice => ({ level: "warn", code, text });
const error = (code: string, text: string): SetupAdvice => ({ level: "error", code, text });
