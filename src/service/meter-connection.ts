/**
 * From the configured meter connection to a transport, the decoder's protocol and, where the baud
 * rate is "auto", the line settings to hunt through: the M-Bus customer interface at 2400 Bd 8E1
 * (EN 13757-2 asks for even parity), the optical port configured to push at 9600 Bd 8N1 (Wiener Netze,
 * Netz Burgenland customer-interface descriptions), P1 at 115200 Bd 8N1 (DSMR P1 5.0.2 §4.2).
 */
import type { Protocol as ProtocolChoice, SerialFormatChoice } from "../config/choices.js";
import type { MeterOptions } from "../config/options.js";
import type { FormatHunt } from "../meter/runtime.js";
import type { Protocol } from "../reader/stream-decoder.js";
import { SerialTransport } from "../transport/serial.js";
import { TcpTransport } from "../transport/tcp.js";
import type { SerialFormat } from "../model/serial-format.js";
import { SERIAL_PRESETS, type Transport } from "../transport/transport.js";

export const DECODER_PROTOCOL: Record<ProtocolChoice, Protocol> = {
  auto: "auto",
  "hdlc-dlms": "hdlc",
  "mbus-dlms": "mbus",
  "iec62056-21": "iec62056-21",
  p1: "iec62056-21",
};

const P1: SerialFormat = { baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 };
/** Silence before the next line setting is tried: three E450 push intervals and a GBT timeout. */
const HUNT_AFTER_MS = 20_000;

function parseFormat(choice: Exclude<SerialFormatChoice, "auto">, baudRate: number): SerialFormat {
  return {
    baudRate,
    dataBits: choice[0] === "7" ? 7 : 8,
    parity: choice[1] === "E" ? "even" : "none",
    stopBits: 1,
  };
}

/** The line settings to start with, and the others to try when nothing decodes. */
function serialFormats(
  protocol: ProtocolChoice,
  baudRate: "auto" | number,
  format: SerialFormatChoice,
): SerialFormat[] {
  const candidates: SerialFormat[] =
    protocol === "iec62056-21"
      ? [SERIAL_PRESETS["iec62056-21"]]
      : protocol === "p1"
        ? [P1, { baudRate: 9600, dataBits: 7, parity: "even", stopBits: 1 }]
        : protocol === "mbus-dlms"
          ? [SERIAL_PRESETS.mbus]
          : [SERIAL_PRESETS.mbus, SERIAL_PRESETS["optical-push"], P1];
  const fixed = candidates.map((candidate) => ({
    ...(format === "auto" ? candidate : parseFormat(format, candidate.baudRate)),
    ...(baudRate === "auto" ? {} : { baudRate }),
  }));
  const unique = new Map(fixed.map((candidate) => [JSON.stringify(candidate), candidate]));
  return [...unique.values()];
}

export function transportFor(
  meter: MeterOptions,
  virtualPort?: number,
): { transport: Transport; hunt: FormatHunt | null } {
  const { connection } = meter;
  switch (connection.kind) {
    case "tcp":
      return { transport: new TcpTransport({ host: connection.host, port: connection.port }), hunt: null };
    case "virtual":
      return { transport: new TcpTransport({ host: "127.0.0.1", port: virtualPort ?? 0 }), hunt: null };
    case "serial": {
      const formats = serialFormats(meter.protocol, connection.baudRate, connection.serialFormat);
      const transport = new SerialTransport({ path: connection.device, format: formats[0]! });
      const hunt =
        formats.length > 1 && meter.protocol !== "iec62056-21" ? { formats, afterMs: HUNT_AFTER_MS } : null;
      return { transport, hunt };
    }
  }
}
