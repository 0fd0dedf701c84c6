import { describe, expect, it } from "vitest";
import { ROUTES, routeFromHash } from "../../../web/panel/src/routes.js";

describe("panel routes", () => {
  it("read the page from the hash, Live for anything unknown", () => {
    expect(routeFromHash("#/history")).toBe("history");
    expect(routeFromHash("#inspector")).toBe("inspector");
    expect(routeFromHash("#/cost?tariff=x")).toBe("cost");
    expect(routeFromHash("")).toBe("live");
    expect(routeFromHash("#/nonsense")).toBe("live");
    expect(ROUTES).toHaveLength(9);
  });
});
