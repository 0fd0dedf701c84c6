/**
 * `meter.connection` has no default: the built-in virtual meter makes up its readings, and a
 * configuration that forgot the connection must not send those into the user's energy statistics.
 * A serial device or a bridge host says which connection is meant; anything else is asked for.
 */
import type { ConfigProblem } from "./problems.js";

const CHOICES =
  '"serial" with meter.serial_device, "tcp" with meter.tcp_host and meter.tcp_port, ' +
  'or "virtual" for the built-in simulated meter (its readings are made up)';

export interface ConnectionInference {
  readonly problems: ConfigProblem[];
  /** The option that decided the connection, when the document did not name it. */
  readonly impliedBy?: "meter.serial_device" | "meter.tcp_host";
}

/**
 * Sets `meter.connection` in `document` (a copy, with empty values already removed) from the
 * options present, or reports it missing. A meter group of the wrong shape is left to the schema.
 */
export function inferConnection(document: unknown): ConnectionInference {
  if (typeof document !== "object" || document === null || Array.isArray(document)) return { problems: [] };
  const root = document as Record<string, unknown>;
  const meter = root["meter"] ?? {};
  if (typeof meter !== "object" || meter === null || Array.isArray(meter)) return { problems: [] };
  const group = meter as Record<string, unknown>;
  if (group["connection"] !== undefined) return { problems: [] };
  const serial = group["serial_device"] !== undefined;
  const tcp = group["tcp_host"] !== undefined;
  if (serial && tcp) {
    return {
      problems: [
        {
          path: "meter.connection",
          message: 'required when both meter.serial_device and meter.tcp_host are set: "serial" or "tcp"',
        },
      ],
    };
  }
  if (!serial && !tcp) return { problems: [{ path: "meter.connection", message: `required: ${CHOICES}` }] };
  root["meter"] = { ...group, connection: serial ? "serial" : "tcp" };
  return { problems: [], impliedBy: serial ? "meter.serial_device" : "meter.tcp_host" };
}
