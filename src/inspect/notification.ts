/**
 * Data-Notification (xDLMS tag 0F; Green Book §9.3.9), as dlms/apdu.ts reads it:
 *
 *   0F | long-invoke-id-and-priority (4) | date-time: 00 absent, or [09] 0C + 12 bytes | body: one Data
 */
import { type DlmsData, decodeData, Reader } from "../dlms/axdr.js";
import { parseCosemDateTime } from "../dlms/datetime.js";
import type { DecodedPush } from "../dlms/push.js";
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";
import { AxdrWalker } from "./axdr-walker.js";
import { found, unlessRejected, type WalkContext } from "./context.js";
import { bodyMeaning } from "./cosem.js";
import type { Region } from "./region.js";

const DATE_TIME_LENGTH = 12;

/** Labels a whole data-notification; `decoded` is the decoder's result for the push, when it has one. */
export function walkNotification(
  context: WalkContext,
  region: Region,
  depth: number,
  decoded: DecodedPush | null,
): void {
  const { out } = context;
  const bytes = region.bytes;
  out.group(region, 0, region.length, depth, {
    layer: "apdu",
    label: "data-notification",
    value: `${region.length} bytes`,
  });
  const inner = depth + 1;
  out.leaf(region, 0, 1, inner, { layer: "apdu", label: "APDU tag", value: "data-notification (0F)" });
  const reader = new Reader(bytes, 1);
  let bodyStart: number;
  try {
    const invoke = reader.u32();
    out.leaf(region, 1, 5, inner, {
      layer: "apdu",
      label: "long-invoke-id-and-priority",
      value: hex(bytes.subarray(1, 5)),
      note: invokeNote(invoke),
    });
    bodyStart = walkDateTime(context, region, reader, inner);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    out.unparsed(region, reader.offset, region.length, inner, {
      code: error.code,
      message: `data-notification header: ${error.message}`,
    });
    return;
  }
  const body = bodyOf(bytes, bodyStart);
  const meaning = body
    ? bodyMeaning(body, decoded?.snapshot.readings ?? null)
    : { layout: null, registers: new Map() };
  if (meaning.layout) found(context.findings, "layout", meaning.layout);
  const end = new AxdrWalker(out, region, meaning).walkBody(bodyStart, inner, body);
  if (end !== null && end < region.length) {
    out.unparsed(region, end, region.length, inner, {
      code: "malformed",
      message: `${region.length - end} byte(s) after the notification body`,
    });
  }
}

/** The optional date-time; returns where the body starts. Throws DecodeError when it is malformed. */
function walkDateTime(context: WalkContext, region: Region, reader: Reader, depth: number): number {
  const { out } = context;
  const start = reader.offset;
  let marker = reader.u8();
  if (marker === 0) {
    out.leaf(region, start, reader.offset, depth, {
      layer: "apdu",
      label: "date-time",
      value: "absent (00)",
    });
    return reader.offset;
  }
  // A few meters write the octet-string tag the standard leaves out (dlms/apdu.ts).
  if (marker === 0x09) marker = reader.u8();
  if (marker !== DATE_TIME_LENGTH)
    throw new DecodeError("malformed", `date-time field of ${marker} bytes, expected 0 or 12`);
  out.leaf(region, start, reader.offset, depth, {
    layer: "apdu",
    label: "date-time length",
    value: "12 bytes",
  });
  const valueStart = reader.offset;
  const time = parseCosemDateTime(reader.take(DATE_TIME_LENGTH));
  out.leaf(region, valueStart, reader.offset, depth, {
    layer: "apdu",
    label: "date-time",
    value: time ? time.local : "not specified",
  });
  return reader.offset;
}

/** The body as the decoder reads it, or null when it does not decode (the walker then goes element by element). */
function bodyOf(bytes: Uint8Array, start: number): DlmsData | null {
  return unlessRejected(() => decodeData(new Reader(bytes, start)));
}

/** Green Book §9.3.9 long-invoke-id-and-priority: bits 0–23 invoke id, 30 service class, 31 priority. */
function invokeNote(value: number): string {
  const id = value & 0xffffff;
  const confirmed = (value >>> 30) & 1 ? "confirmed" : "unconfirmed";
  const priority = (value >>> 31) & 1 ? "high" : "normal";
  return `invoke id ${id}, ${confirmed}, priority ${priority}`;
}
