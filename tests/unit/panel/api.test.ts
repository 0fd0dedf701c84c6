import { describe, expect, it } from "vitest";
import { apiUrl, errorFromBody } from "../../../web/panel/src/api.js";

describe("API URLs", () => {
  it("are relative to the page (no leading slash), so the ingress prefix stays in front", () => {
    expect(apiUrl("meters")).toBe("api/meters");
    expect(apiUrl("data", { period: "24h", resolution: "15min", meter: null })).toBe(
      "api/data?period=24h&resolution=15min",
    );
    expect(
      apiUrl("costs", { period: "2026-12-01T00:00:00+01:00/2026-12-02T10:00:00+01:00", tariff: "" }),
    ).toBe("api/costs?period=2026-12-01T00%3A00%3A00%2B01%3A00%2F2026-12-02T10%3A00%3A00%2B01%3A00");
  });

  it("take the contract's error body, or name the status when a proxy answered instead", () => {
    expect(
      errorFromBody(404, { error: { code: "unknown-tariff", message: "Known: flat-average." } }),
    ).toEqual({
      code: "unknown-tariff",
      message: "Known: flat-average.",
    });
    expect(errorFromBody(502, "<html>Bad gateway</html>")).toEqual({ code: "http-502", message: "" });
    expect(errorFromBody(500, { error: "boom" })).toEqual({ code: "http-500", message: "" });
  });
});
