/**
 * Who sent a snapshot. The key is the same in every push of one physical meter: it keys the
 * integrity guard's baselines, availability, the MQTT topics and Home Assistant's unique ids.
 */
export interface MeterIdentity {
  /** [a-z0-9_-]+; safe in MQTT topics, discovery object ids and entity ids. */
  readonly key: string;
  readonly serialNumber: string | null;
  /** DLMS system title as 16 hex digits ("4C475A…" = "LGZ…" for Landis+Gyr). */
  readonly systemTitle: string | null;
  /** COSEM logical device name (0-0:42.0.0), e.g. "LGZ1030655933512". */
  readonly logicalDeviceName: string | null;
  /** Active firmware identifier (1-0:0.2.0) when the meter sends it. */
  readonly firmwareVersion: string | null;
}
