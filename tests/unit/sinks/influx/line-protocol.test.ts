/**
 * Line protocol as the InfluxDB reference writes it (docs.influxdata.com/influxdb/v2/reference/syntax/
 * line-protocol/, "Special characters"): the expected lines below are written out by hand from that
 * page, not produced by the code under test.
 */
import { describe, expect, it } from "vitest";
import {
  bool,
  float,
  formatLine,
  int,
  text,
  timestampNs,
} from "../../../../src/sinks/influx/line-protocol.js";

describe("formatLine", () => {
  it("writes measurement, sorted tags, typed fields and a nanosecond timestamp", () => {
    const line = formatLine(
      {
        measurement: "energy",
        tags: { tariff: "total", meter: "29076916" },
        fields: { import_kwh: float("22705.788"), frames: int(12), online: bool(true), message: text("ok") },
        timeMs: 1764657746123,
      },
      "ms",
    );
    expect(line).toBe(
      'energy,meter=29076916,tariff=total import_kwh=22705.788,frames=12i,online=true,message="ok" 1764657746123000000',
    );
  });

  it("cuts the timestamp to whole seconds with precision s", () => {
    expect(timestampNs(1764657746999, "s")).toBe("1764657746000000000");
    expect(timestampNs(1764657746999, "ms")).toBe("1764657746999000000");
  });

  it("escapes what the reference says must be escaped, where it must", () => {
    const line = formatLine(
      {
        measurement: "my measure,ment",
        tags: { "tag key": "a,b=c d" },
        fields: { "field=key": text('say "hi" \\ bye\nnext line') },
        timeMs: 0,
      },
      "s",
    );
    expect(line).toBe(
      'my\\ measure\\,ment,tag\\ key=a\\,b\\=c\\ d field\\=key="say \\"hi\\" \\\\ bye next line" 0000000',
    );
  });

  it("leaves out empty tag values, and a point without fields", () => {
    expect(
      formatLine({ measurement: "m", tags: { unit: "" }, fields: { value: float(1) }, timeMs: 1000 }, "s"),
    ).toBe("m value=1 1000000000");
    expect(formatLine({ measurement: "m", tags: {}, fields: {}, timeMs: 0 }, "s")).toBeNull();
  });

  it("refuses a float that line protocol cannot carry", () => {
    expect(() => float(Number.NaN)).toThrow(RangeError);
    expect(() => float(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
