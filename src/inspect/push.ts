/**
 * One complete push APDU (after link framing and block transfer): the decoder's verdict on it
 * (dlms/push.ts decodePush) and its bytes labelled, ciphered or in the clear.
 */
import { DATA_NOTIFICATION } from "../dlms/apdu.js";
import { isCiphered } from "../dlms/cipher.js";
import { type DecodedPush, decodePush } from "../dlms/push.js";
import { hex } from "../model/bytes.js";
import { DecodeError } from "../model/issue.js";
import { found, type WalkContext } from "./context.js";
import { flagId, manufacturerName } from "./manufacturers.js";
import { walkNotification } from "./notification.js";
import type { Region } from "./region.js";
import { walkCiphered } from "./security.js";

export function walkPush(context: WalkContext, region: Region, depth: number): void {
  const { decoded, failure } = decode(region.bytes, context);
  if (failure) context.out.issue({ code: failure.code, message: failure.message });
  if (isCiphered(region.bytes)) {
    walkCiphered(context, region, depth, decoded, failure);
  } else if (region.bytes[0] === DATA_NOTIFICATION) {
    walkNotification(context, region, depth, decoded);
  } else {
    context.out.unparsed(region, 0, region.length, depth, {
      code: "unsupported",
      message: `APDU tag 0x${hex(region.bytes[0] ?? 0)} is not a push (data-notification or ciphered)`,
    });
  }
  if (decoded) noteLogicalDeviceName(context, decoded);
}

function decode(apdu: Uint8Array, context: WalkContext) {
  try {
    return { decoded: decodePush(apdu, context.keys), failure: null };
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { decoded: null, failure: error };
  }
}

/**
 * A push in the clear names no system title, but its COSEM logical device name (0-0:42.0.0) opens
 * with the same three-letter manufacturer id ("LGZ1030655933512", Blue Book §4.1.8.2).
 */
function noteLogicalDeviceName(context: WalkContext, decoded: DecodedPush): void {
  const name = decoded.snapshot.readings.find((reading) => reading.obis === "0-0:42.0.0.255");
  if (name?.value.kind !== "text") return;
  const id = flagId(Buffer.from(name.value.text, "latin1"));
  if (id) found(context.findings, "manufacturer", manufacturerName(id));
}
