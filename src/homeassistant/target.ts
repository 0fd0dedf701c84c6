import type { Secret } from "../util/secret.js";

/**
 * Where a dynamic tariff's prices come from: Home Assistant's websocket API, inside the add-on
 * through the Supervisor's proxy (its token in SUPERVISOR_TOKEN), standalone by URL and a
 * long-lived access token.
 */
export type HomeAssistantTarget =
  | { readonly kind: "supervisor" }
  | { readonly kind: "url"; readonly url: string; readonly token: Secret<string> }
  | { readonly kind: "none" };
