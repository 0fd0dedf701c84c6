/**
 * Self-describing push (Swiss VSE/CII E450s: scs/smartmeter-datacollector hdlc_dlms_parser.py
 * `_parse_dlms_with_push_object_list`; Cyprus: esphome/esphome PR #16942): the body is
 * structure(N) whose element 0 is the push setup's capture-object list, array(N) of
 * {class-id, logical-name, attribute-index, data-index}; element i holds the value of object i.
 * Object 0 is the push setup itself, so element 0 is both the list and its value.
 */
import type { DlmsData } from "../axdr.js";
import { type ObisCode, obisFromBytes } from "../../obis/obis.js";
import type { LayoutResult, RawRegister } from "./register.js";

interface CaptureObject {
  readonly classId: number;
  readonly logicalName: ObisCode;
  readonly attribute: number;
}

/** Register (3), extended register (4), demand register (5) carry their scaler_unit in attribute 3. */
const PUSH_SETUP_CLASS = 40;

function captureObject(data: DlmsData): CaptureObject | null {
  if (data.type !== "structure" || data.items.length !== 4) return null;
  const [classId, name, attribute, dataIndex] = data.items;
  if (classId?.type !== "integer" || classId.tag !== 0x12) return null;
  if (name?.type !== "octet-string" || attribute?.type !== "integer" || dataIndex?.type !== "integer")
    return null;
  const logicalName = obisFromBytes(name.bytes);
  if (!logicalName) return null;
  return { classId: Number(classId.value), logicalName, attribute: Number(attribute.value) };
}

export function readPushObjectList(body: DlmsData): LayoutResult | null {
  if (body.type !== "structure" || body.items.length < 2) return null;
  const list = body.items[0];
  if (list?.type !== "array" || list.items.length !== body.items.length) return null;
  const objects = list.items.map(captureObject);
  if (objects.some((object) => object === null)) return null;
  const registers: RawRegister[] = [];
  objects.forEach((object, index) => {
    if (!object || object.classId === PUSH_SETUP_CLASS) return;
    registers.push({ label: { kind: "obis", code: object.logicalName }, data: body.items[index]! });
  });
  return { layout: "push-object-list", registers };
}
