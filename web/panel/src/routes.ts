/**
 * The panel's pages as hash routes ("#/history"): a hash never reaches the server, so the pages work
 * under any path prefix (Home Assistant ingress, Nabu Casa) without the server knowing them.
 */

export const ROUTES = [
  "live",
  "history",
  "cost",
  "building",
  "anomalies",
  "forecast",
  "inspector",
  "setup",
  "diagnostics",
] as const;

export type Route = (typeof ROUTES)[number];

/** The navigation's pages: the building view only where there is a building, more than one meter. */
export function navigationRoutes(configuredMeters: number): readonly Route[] {
  return configuredMeters > 1 ? ROUTES : ROUTES.filter((route) => route !== "building");
}

/** "#/cost" → "cost"; anything else (empty, unknown, stale bookmark) → "live". */
export function routeFromHash(hash: string): Route {
  const name = hash.replace(/^#\/?/, "").split(/[/?]/, 1)[0] ?? "";
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : "live";
}
