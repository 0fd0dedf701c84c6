/** The panel's side of the building view: when its page is offered, and the periods it asks for. */
import { describe, expect, it } from "vitest";
import { billingPeriod, localDate } from "../../../web/panel/src/periods.js";
import { navigationRoutes, ROUTES, routeFromHash } from "../../../web/panel/src/routes.js";

describe("the building page in the panel", () => {
  it("is in the navigation only where more than one meter is configured, and reachable by its hash", () => {
    expect(navigationRoutes(1)).not.toContain("building");
    expect(navigationRoutes(0)).not.toContain("building");
    expect(navigationRoutes(2)).toEqual(ROUTES);
    expect(navigationRoutes(1)).toHaveLength(ROUTES.length - 1);
    expect(routeFromHash("#/building")).toBe("building");
  });

  it("asks for whole local months and years, the current one until today", () => {
    const now = new Date(2026, 2, 15, 10, 30);
    expect(billingPeriod("month", now)).toBe("2026-03-01/2026-03-15");
    // February 2026 has 28 days.
    expect(billingPeriod("lastMonth", now)).toBe("2026-02-01/2026-02-28");
    expect(billingPeriod("year", now)).toBe("2026-01-01/2026-03-15");
    expect(billingPeriod("lastYear", now)).toBe("2025-01-01/2025-12-31");
    expect(billingPeriod("30d", now)).toBe("30d");
    // In January, last month is December of the year before.
    expect(billingPeriod("lastMonth", new Date(2027, 0, 3))).toBe("2026-12-01/2026-12-31");
    expect(localDate(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });
});
