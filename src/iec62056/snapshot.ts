/**
 * Readout frames and P1 telegrams → Snapshot. Codes are reported exactly as written: a reduced "1.8.1"
 * stays "1.8.1". IEC 62056-21 data sets may leave out OBIS groups A and B (the reduced ID codes of
 * IEC 62056-6-1), and the readout does not say which medium or channel it meant, so any guess could
 * be wrong.
 */
import { DecodeError } from "../model/issue.js";
import type { ReadoutFrame, TelegramFrame } from "../framing/iec62056-21.js";
import type { Reading, Snapshot } from "../model/snapshot.js";
import { parseDataBlock } from "./data-block.js";
import { meterIdFrom, meterTimeFrom } from "./meter-fields.js";
import { dataSetValue } from "./values.js";

export interface DecodedReadout {
  readonly snapshot: Snapshot;
  /** Lines that were not data sets (checksum-verified, so worth reporting rather than hiding). */
  readonly unparsed: readonly string[];
}

/**
 * Decodes a verified readout or telegram. Throws DecodeError "malformed" when the block holds not one
 * data set: what a meter says is in its data sets (IEC 62056-21 §6.5; DSMR P1 5.0.2 §6.4), and a
 * one-byte BCC lets one in 256 runs of line noise pass as an empty readout ("STX ! CR LF ETX BCC"),
 * which must not become a snapshot of a meter.
 */
export function decodeIec62056Frame(frame: ReadoutFrame | TelegramFrame): DecodedReadout {
  const { dataSets, unparsed } = parseDataBlock(frame.data);
  if (dataSets.length === 0) {
    throw new DecodeError(
      "malformed",
      unparsed.length > 0
        ? `no data set in the ${frame.type}: "${unparsed[0]!.slice(0, 40)}"`
        : `the ${frame.type} holds no data set: nothing to read (line noise can pass as an empty one)`,
    );
  }
  const readings: Reading[] = dataSets.map((set) => ({ obis: set.address, value: dataSetValue(set).value }));
  const snapshot: Snapshot = {
    source: frame.type === "readout" ? "iec62056-21-readout" : "p1-telegram",
    meterId: meterIdFrom(dataSets) ?? frame.identification?.text ?? null,
    meterTime: meterTimeFrom(dataSets),
    readings,
  };
  return { snapshot, unparsed };
}

export function readoutToSnapshot(frame: ReadoutFrame | TelegramFrame): Snapshot {
  return decodeIec62056Frame(frame).snapshot;
}
