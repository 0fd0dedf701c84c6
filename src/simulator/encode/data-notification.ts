/**
 * DLMS Data-Notification (Green Book §9.5): 0F | long-invoke-id-and-priority u32 | date-time (0C + 12
 * bytes, a bare length with no 09 tag as in pwitab/dlms-cosem test_data_notification.py, or 00 when
 * absent) | notification-body.
 */
import { concat } from "../../model/bytes.js";

const DATA_NOTIFICATION_TAG = 0x0f;

/** Everything before the notification body; kept separate so a block splitter can treat it as one piece. */
export function encodeDataNotificationHeader(invokeId: number, dateTime: Uint8Array | null): Uint8Array {
  if (!Number.isInteger(invokeId) || invokeId < 0 || invokeId > 0xffff_ffff) {
    throw new RangeError(`long-invoke-id ${invokeId}`);
  }
  if (dateTime !== null && dateTime.length !== 12) throw new RangeError("a COSEM date-time has 12 bytes");
  const header = new Uint8Array(5 + (dateTime === null ? 1 : 13));
  header[0] = DATA_NOTIFICATION_TAG;
  new DataView(header.buffer).setUint32(1, invokeId);
  if (dateTime === null) header[5] = 0x00;
  else {
    header[5] = 0x0c;
    header.set(dateTime, 6);
  }
  return header;
}

export function encodeDataNotification(invokeId: number, dateTime: Uint8Array | null, body: Uint8Array) {
  return concat([encodeDataNotificationHeader(invokeId, dateTime), body]);
}
