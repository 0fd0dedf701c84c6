import { describe, expect, it } from "vitest";
import { Secret } from "../../../src/util/secret.js";
import {
  connectHomeAssistant,
  HomeAssistantRefused,
  webSocketUrl,
} from "../../../src/homeassistant/connection.js";

describe("webSocketUrl", () => {
  it.each([
    ["http://homeassistant.local:8123", "ws://homeassistant.local:8123/api/websocket"],
    ["https://ha.example.org/", "wss://ha.example.org/api/websocket"],
    ["https://example.org/ha", "wss://example.org/ha/api/websocket"],
    ["ws://10.0.0.2:8123/api/websocket", "ws://10.0.0.2:8123/api/websocket"],
  ])("%s → %s", (base, expected) => expect(webSocketUrl(base)).toBe(expected));

  it("refuses other schemes", () => {
    expect(() => webSocketUrl("ftp://ha")).toThrow(
      new HomeAssistantRefused("ftp://ha is not an http(s):// or ws(s):// URL"),
    );
  });
});

describe("connectHomeAssistant", () => {
  const hooks = { signal: new AbortController().signal, onRetry: () => {} };

  it("explains a missing Supervisor token instead of retrying", async () => {
    await expect(connectHomeAssistant({ kind: "supervisor" }, hooks, {}, {})).rejects.toThrow(
      "SUPERVISOR_TOKEN is not set: the add-on needs homeassistant_api: true to read prices from Home Assistant",
    );
  });

  it("stops retrying when aborted", async () => {
    const abort = new AbortController();
    const retries: string[] = [];
    const attempt = connectHomeAssistant(
      { kind: "url", url: "http://127.0.0.1:1", token: new Secret("t") },
      {
        signal: abort.signal,
        onRetry: (reason) => {
          retries.push(reason);
          abort.abort(new Error("stopped"));
        },
      },
      { backoff: { initialMs: 10_000 } },
    );
    await expect(attempt).rejects.toThrow("stopped");
    expect(retries).toEqual([
      expect.stringMatching(
        /^cannot reach Home Assistant at ws:\/\/127\.0\.0\.1:1\/api\/websocket: .*ECONNREFUSED/,
      ),
    ]);
  });
});
