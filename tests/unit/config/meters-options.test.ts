/** The `meters:` list: the contract example, the single `meter:` group unchanged, and every rule between items. */
import { describe, expect, it } from "vitest";
import { loadOptions } from "../../../src/config/load.js";
import { validateOptions } from "../../../src/config/validate.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KEY = "00112233445566778899AABBCCDDEEFF";

async function loaded(yaml: string) {
  const folder = mkdtempSync(join(tmpdir(), "e450-meters-"));
  const file = join(folder, "e450.yaml");
  writeFileSync(file, yaml);
  return loadOptions({ configFile: file, addonOptionsFile: join(folder, "no-options.json") });
}

function problemsOf(document: Record<string, unknown>) {
  const result = validateOptions(document);
  return result.ok ? [] : result.problems;
}

describe("several meters", () => {
  it("reads the issue's example: two bridges, one with a key, each with an id from its name", async () => {
    const result = await loaded(`meters:
  - name: Flat 1
    connection: tcp
    tcp_host: 127.0.0.1
    tcp_port: 4059
  - name: Flat 2
    connection: tcp
    tcp_host: 127.0.0.1
    tcp_port: 4060
    encryption_key: ${KEY}
`);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const [first, second] = result.options.meters;
    expect(result.options.meters).toHaveLength(2);
    expect(first).toMatchObject({
      id: "flat-1",
      name: "Flat 1",
      connection: { kind: "tcp", host: "127.0.0.1", port: 4059 },
      protocol: "auto",
      layout: "auto",
    });
    expect(first?.encryptionKey).toBeUndefined();
    expect(second).toMatchObject({ id: "flat-2", name: "Flat 2", connection: { kind: "tcp", port: 4060 } });
    expect(
      Buffer.from(second?.encryptionKey?.reveal() ?? [])
        .toString("hex")
        .toUpperCase(),
    ).toBe(KEY);
  });

  it("still reads a file with today's single meter group unchanged, as the meter with id 'meter'", async () => {
    const result = await loaded(`meter:
  connection: tcp
  tcp_host: 192.168.1.20
  tcp_port: 4059
  encryption_key: ${KEY}
`);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.options.meters).toHaveLength(1);
    expect(result.options.meters[0]).toMatchObject({
      id: "meter",
      name: null,
      connection: { kind: "tcp", host: "192.168.1.20", port: 4059 },
    });
  });

  it("takes area and the meter a sub-meter is behind, by its name", async () => {
    const result = await loaded(`meters:
  - name: House
    serial_device: /dev/serial/by-id/usb-main
  - name: Heat pump
    area: Basement
    behind: House
    tcp_host: heatpump-bridge
    tcp_port: 2001
`);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.options.meters[1]).toMatchObject({
      id: "heat-pump",
      area: "Basement",
      behind: "house",
      connection: { kind: "tcp", host: "heatpump-bridge", port: 2001 },
    });
    expect(result.options.meters[0]?.connection).toMatchObject({ kind: "serial" });
  });

  it("asks each item for its connection and its name, naming the item", () => {
    expect(problemsOf({ meters: [{ name: "A" }, { tcp_host: "bridge", tcp_port: 1 }] })).toEqual([
      {
        path: "meters[0].connection",
        message:
          'required: "serial" with meters[0].serial_device, "tcp" with meters[0].tcp_host and meters[0].tcp_port, ' +
          'or "virtual" for the built-in simulated meter (its readings are made up)',
      },
      { path: "meters[1].name", message: expect.stringMatching(/^required/) },
    ]);
  });

  it("refuses names that make the same id, and a behind that names nobody or loops", () => {
    const problems = problemsOf({
      meters: [
        { name: "Flat 1", connection: "virtual", behind: "Flat 3" },
        { name: "flat-1", connection: "virtual" },
        { name: "Flat 3", connection: "virtual", behind: "Flat 1" },
        { name: "Garage", connection: "virtual", behind: "Shed" },
      ],
    });
    expect(problems).toEqual([
      {
        path: "meters[1].name",
        message: 'expected a name of its own, but "flat-1" is too like meters[0].name ("Flat 1")',
      },
      {
        path: "meters[0].behind",
        message: 'expected a meter further up the line, but "Flat 3" leads back to this meter',
      },
      {
        path: "meters[2].behind",
        message: 'expected a meter further up the line, but "Flat 1" leads back to this meter',
      },
      {
        path: "meters[3].behind",
        message: 'expected the name of another meter ("Flat 1", "flat-1", "Flat 3", "Garage"), got "Shed"',
      },
    ]);
  });

  it("lets meters share a line only when each names its sender, and all read it alike", () => {
    const line = { connection: "tcp", tcp_host: "Bridge", tcp_port: 4059 };
    expect(
      problemsOf({
        meters: [
          { name: "A", ...line },
          { name: "B", ...line, tcp_host: "bridge", system_title: "4C475A6700000001", baud_rate: "9600" },
          { name: "C", ...line, system_title: "4c475a6700000001" },
        ],
      }),
    ).toEqual([
      {
        path: "meters[0].system_title",
        message:
          "required: meters [0], [1], [2] share one line (bridge:4059), so each needs the system_title or serial_number of its meter to tell its pushes apart",
      },
      {
        path: "meters[2].system_title",
        message: "expected a meter of its own, but meters[1] has the same system_title",
      },
      {
        path: "meters[1].baud_rate",
        message: 'expected "auto" like meters[0], which reads the same line (bridge:4059) with one reader',
      },
    ]);
    expect(
      problemsOf({
        meters: [
          { name: "A", ...line, system_title: "4C475A6700000001", encryption_key: KEY },
          { name: "B", ...line, serial_number: "29076916" },
        ],
      }),
    ).toEqual([]);
  });

  it("does not take a single meter's connection together with the list", () => {
    expect(
      problemsOf({
        meter: { serial_device: "/dev/ttyUSB0" },
        meters: [{ name: "A", connection: "virtual" }],
      }),
    ).toEqual([
      {
        path: "meter.serial_device",
        message:
          "not together with meters: move this meter into the meters list (with a name), or leave meters empty",
      },
    ]);
  });

  it("names a wrong value inside an item by its index", () => {
    expect(
      problemsOf({ meters: [{ name: "A", connection: "tcp", tcp_host: "h", tcp_port: 70000 }] }),
    ).toEqual([{ path: "meters[0].tcp_port", message: expect.stringContaining("65535") }]);
  });
});
