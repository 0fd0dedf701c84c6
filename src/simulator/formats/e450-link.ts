/**
 * The E450's HDLC link as every public capture shows it (tests/fixtures/real-frames): dest CE FF,
 * src 03, control 13 (UI, P/F set), LLC E6 E7 00 in the first frame of a push only, never HDLC
 * segmentation. Long pushes go as one General Block Transfer block per frame; no frame is longer
 * than 139 bytes (A0 8B in the EKZ 2026, Steiermark and zero-key captures, observed).
 */
import { concat } from "../../model/bytes.js";
import {
  type ApduPiece,
  type BlockCapacity,
  encodeGbtBlocks,
  GBT_HEADER_LENGTH,
} from "../encode/general-block-transfer.js";
import { buildHdlcFrame, hdlcOverhead } from "../encode/hdlc-frame.js";
import { hdlcOutgoing, type OutgoingFrame } from "./outgoing-frame.js";

const DESTINATION = Uint8Array.of(0xce, 0xff);
const SOURCE = Uint8Array.of(0x03);
const CONTROL_UI_FINAL = 0x13;
const LLC_RESPONSE = Uint8Array.of(0xe6, 0xe7, 0x00);
const MAX_FRAME_LENGTH = 0x8b;

const E450_BLOCK_CAPACITY: BlockCapacity = (() => {
  const following = MAX_FRAME_LENGTH - hdlcOverhead(DESTINATION, SOURCE) - GBT_HEADER_LENGTH;
  return { first: following - LLC_RESPONSE.length, following };
})();

function frame(information: Uint8Array): OutgoingFrame {
  return hdlcOutgoing(
    buildHdlcFrame({ destination: DESTINATION, source: SOURCE, control: CONTROL_UI_FINAL, information }),
  );
}

/** A push split into GBT blocks, one HDLC frame each (Swiss and Steiermark pushes). */
export function gbtPushFrames(pieces: readonly ApduPiece[]): OutgoingFrame[] {
  return encodeGbtBlocks(pieces, E450_BLOCK_CAPACITY).map((block, index) =>
    frame(index === 0 ? concat([LLC_RESPONSE, block]) : block),
  );
}

/** A push in one HDLC frame without GBT (Burgenland, Wiener Netze). */
export function singleFramePush(apdu: Uint8Array): OutgoingFrame {
  return frame(concat([LLC_RESPONSE, apdu]));
}
