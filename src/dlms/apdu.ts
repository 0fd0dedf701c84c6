/**
 * Data-Notification (xDLMS tag 0x0F; Green Book §9.3.9):
 *
 *   0F | long-invoke-id-and-priority (4) | date-time: 00 absent, or 0C + 12 bytes | body: one Data
 *
 * The optional date-time is an octet-string written without its 09 tag (pwitab/dlms-cosem
 * tests/test_xdlms/test_data_notification.py; esphome dlms_meter.cpp checks payload[5] == 0x0C);
 * a few meters add the tag.
 */
import { DecodeError } from "../model/issue.js";
import { hex } from "../model/bytes.js";
import { type DlmsData, decodeData, Reader } from "./axdr.js";
import { type CosemDateTime, parseCosemDateTime } from "./datetime.js";

export const DATA_NOTIFICATION = 0x0f;

export interface DataNotification {
  readonly invokeId: number;
  readonly dateTime: CosemDateTime | null;
  readonly body: DlmsData;
}

export function parseDataNotification(apdu: Uint8Array): DataNotification {
  const reader = new Reader(apdu);
  const tag = reader.u8();
  if (tag !== DATA_NOTIFICATION) {
    throw new DecodeError("unsupported", `APDU tag 0x${hex(tag)} is not a data-notification`);
  }
  const invokeId = reader.u32();
  let dateTime: CosemDateTime | null = null;
  let marker = reader.u8();
  if (marker === 0x09) marker = reader.u8();
  if (marker === 12) dateTime = parseCosemDateTime(reader.take(12));
  else if (marker !== 0)
    throw new DecodeError("malformed", `date-time field of ${marker} bytes, expected 0 or 12`);
  const body = decodeData(reader);
  if (reader.remaining !== 0) {
    throw new DecodeError("malformed", `${reader.remaining} byte(s) after the notification body`);
  }
  return { invokeId, dateTime, body };
}
