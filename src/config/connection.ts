/**
 * `connection` has no default: the built-in virtual meter makes up its readings, and a
 * configuration that forgot the connection must not send those into the user's energy statistics.
 * A serial device or a bridge host says which connection is meant; anything else is asked for.
 * The same holds for each item of `meters`; the single `meter` group is only asked about when
 * `meters` is empty, and may then not name a connection of its own.
 */
import type { ConfigProblem } from "./problems.js";

const choices = (group: string) =>
  `"serial" with ${group}.serial_device, "tcp" with ${group}.tcp_host and ${group}.tcp_port, ` +
  'or "virtual" for the built-in simulated meter (its readings are made up)';

export interface ConnectionInference {
  readonly problems: ConfigProblem[];
  /** The option that decided the single meter's connection, when the document did not name it. */
  readonly impliedBy?: "meter.serial_device" | "meter.tcp_host";
}

type Group = Record<string, unknown>;

const isGroup = (value: unknown): value is Group =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Sets `connection` in the meter group(s) of `document` (a copy, with empty values already removed)
 * from the options present, or reports it missing. Groups of the wrong shape are left to the schema.
 */
export function inferConnection(document: unknown): ConnectionInference {
  if (!isGroup(document)) return { problems: [] };
  const meters = document["meters"];
  if (Array.isArray(meters) && meters.length > 0) {
    const problems = meters.flatMap((item, index) =>
      isGroup(item) ? inferIn(item, `meters[${index}]`, (group) => (meters[index] = group)).problems : [],
    );
    const single = document["meter"];
    const named = isGroup(single)
      ? ["connection", "serial_device", "tcp_host"].find((key) => single[key] !== undefined)
      : undefined;
    if (named !== undefined) {
      problems.push({
        path: `meter.${named}`,
        message:
          "not together with meters: move this meter into the meters list (with a name), or leave meters empty",
      });
    }
    return { problems };
  }
  const meter = document["meter"] ?? {};
  if (!isGroup(meter)) return { problems: [] };
  const inferred = inferIn(meter, "meter", (group) => (document["meter"] = group));
  return inferred.impliedBy === undefined
    ? { problems: inferred.problems }
    : { problems: inferred.problems, impliedBy: inferred.impliedBy as ConnectionInference["impliedBy"] };
}

function inferIn(
  group: Group,
  path: string,
  replace: (group: Group) => void,
): { problems: ConfigProblem[]; impliedBy?: string } {
  if (group["connection"] !== undefined) return { problems: [] };
  const serial = group["serial_device"] !== undefined;
  const tcp = group["tcp_host"] !== undefined;
  if (serial && tcp) {
    return {
      problems: [
        {
          path: `${path}.connection`,
          message: `required when both ${path}.serial_device and ${path}.tcp_host are set: "serial" or "tcp"`,
        },
      ],
    };
  }
  if (!serial && !tcp)
    return { problems: [{ path: `${path}.connection`, message: `required: ${choices(path)}` }] };
  replace({ ...group, connection: serial ? "serial" : "tcp" });
  return { problems: [], impliedBy: `${path}.${serial ? "serial_device" : "tcp_host"}` };
}
