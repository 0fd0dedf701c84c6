/**
 * What a single-meter options file (the `meter:` group, as before issue 12) published, taken from the
 * build before several meters existed (commit aea87d2, `e450 run` reading `e450 simulate --format
 * steiermark --seed 1` with the test's key, default base topic and discovery prefix), once the
 * meter's totals and the analytics' anomaly entities were announced. The ids follow the scheme of the
 * single-meter unit golden (tests/fixtures/mqtt/e450-discovery.golden.json): `e450_<meter key>_<entity>`
 * on the meter device, `e450_bridge_e450_<entity>` on the reader. Home Assistant keys its entity
 * registry by these unique ids, so an upgraded installation must publish every one of them again.
 */

/** Component id → [platform, unique_id]; each state topic is the device's prefix + the component id. */
type GoldenComponents = Readonly<Record<string, readonly [string, string]>>;

export const SINGLE_METER_GOLDEN = {
  meter: {
    topic: "homeassistant/device/e450_4c475a671c5989cc/config",
    identifiers: ["e450_4c475a671c5989cc"],
    name: "E450",
    availability: ["e450/status", "e450/meter/4c475a671c5989cc/status"],
    statePrefix: "e450/meter/4c475a671c5989cc/",
    components: {
      energy_import: ["sensor", "e450_4c475a671c5989cc_energy_import"],
      energy_import_t1: ["sensor", "e450_4c475a671c5989cc_energy_import_t1"],
      energy_import_t2: ["sensor", "e450_4c475a671c5989cc_energy_import_t2"],
      power_import: ["sensor", "e450_4c475a671c5989cc_power_import"],
      power_export: ["sensor", "e450_4c475a671c5989cc_power_export"],
      energy_reactive_import: ["sensor", "e450_4c475a671c5989cc_energy_reactive_import"],
      energy_reactive_import_t1: ["sensor", "e450_4c475a671c5989cc_energy_reactive_import_t1"],
      energy_reactive_import_t2: ["sensor", "e450_4c475a671c5989cc_energy_reactive_import_t2"],
      power_reactive_import: ["sensor", "e450_4c475a671c5989cc_power_reactive_import"],
      energy_reactive_export: ["sensor", "e450_4c475a671c5989cc_energy_reactive_export"],
      energy_reactive_export_t1: ["sensor", "e450_4c475a671c5989cc_energy_reactive_export_t1"],
      energy_reactive_export_t2: ["sensor", "e450_4c475a671c5989cc_energy_reactive_export_t2"],
      power_reactive_export: ["sensor", "e450_4c475a671c5989cc_power_reactive_export"],
      meter_clock: ["sensor", "e450_4c475a671c5989cc_meter_clock"],
      power_net: ["sensor", "e450_4c475a671c5989cc_power_net"],
      anomaly: ["binary_sensor", "e450_4c475a671c5989cc_anomaly"],
      anomaly_event: ["event", "e450_4c475a671c5989cc_anomaly_event"],
      anomaly_last: ["sensor", "e450_4c475a671c5989cc_anomaly_last"],
    } satisfies GoldenComponents,
  },
  bridge: {
    topic: "homeassistant/device/e450_bridge_e450/config",
    identifiers: ["e450_bridge_e450"],
    name: "E450 reader",
    availability: ["e450/status"],
    statePrefix: "e450/bridge/",
    components: {
      link_status: ["sensor", "e450_bridge_e450_link_status"],
      frames_received: ["sensor", "e450_bridge_e450_frames_received"],
      frames_rejected: ["sensor", "e450_bridge_e450_frames_rejected"],
      lost_frames: ["sensor", "e450_bridge_e450_lost_frames"],
      decryption_failures: ["sensor", "e450_bridge_e450_decryption_failures"],
      totals_held_back: ["sensor", "e450_bridge_e450_totals_held_back"],
      readings_rejected: ["sensor", "e450_bridge_e450_readings_rejected"],
      state_write_failures: ["sensor", "e450_bridge_e450_state_write_failures"],
      last_frame: ["sensor", "e450_bridge_e450_last_frame"],
    } satisfies GoldenComponents,
  },
} as const;
