/**
 * Inspector: the last frames the line carried, and any pasted frame, decoded layer by layer like a
 * protocol analyser. Keys go to the server for that one request (POST api/inspect) and nowhere
 * else: password fields, never in the URL, never in storage, gone with the page.
 */
import { getJson, postJson } from "../api.js";
import { type FrameRecord, type InspectResponse, LAYER_NAMES } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import { formatDateTime, formatReading } from "../format.js";
import { cleanHex, cleanKey, enclosing, hexBytes, segments } from "../hex.js";
import type { Translate } from "../i18n.js";
import type { MessageKey } from "../messages/en.js";
import type { Page } from "../page.js";
import { card, errorBox, facts, loading, notice, table } from "../ui.js";

const HEX_PROBLEM: Readonly<Record<"empty" | "not-hex" | "odd-length", MessageKey>> = {
  empty: "inspector.hexEmpty",
  "not-hex": "inspector.hexNotHex",
  "odd-length": "inspector.hexOdd",
};

function describeLayer(layer: InspectResponse["layers"][number]): string {
  const value = layer.value === "" ? "" : `: ${layer.value}`;
  const note = layer.note === undefined ? "" : ` (${layer.note})`;
  return `${layer.layer.toUpperCase()} · ${layer.label}${value}${note}`;
}

type Layer = InspectResponse["layers"][number];

/**
 * Bytes as hex, each innermost field a focusable span coloured by its layer; the path on focus.
 * The input frame and the decrypted APDU are two views: a plaintext layer's offsets point into the
 * APDU, so laid over the frame they would label ciphertext as OBIS codes.
 */
function annotated(
  t: Translate,
  hex: string,
  layers: readonly Layer[],
  view: "frame" | "plaintext",
): HTMLElement {
  const detailId = `inspector-detail-${view}`;
  const detail = h("p", { id: detailId, class: "hex-detail", "aria-live": "polite" }, t("inspector.pointAt"));
  const bytes = h("div", {
    class: "hex",
    role: "group",
    "aria-label": t(view === "frame" ? "inspector.annotated" : "inspector.plaintext"),
  });
  for (const segment of segments(hex.length / 2, layers)) {
    const layer = segment.range === null ? null : layers[segment.range];
    const path = enclosing(layers, segment).map((index) => layers[index]);
    const label = path.map((item) => (item === undefined ? "" : describeLayer(item))).join(" › ");
    const span = h(
      "span",
      {
        class: "seg",
        "data-layer": layer?.layer ?? "none",
        tabindex: layer === null ? null : "0",
        title: label === "" ? null : label,
        "aria-label": label === "" ? null : `${hexBytes(hex, segment.start, segment.end)}: ${label}`,
        "aria-describedby": detailId,
      },
      hexBytes(hex, segment.start, segment.end),
    );
    const show = () => {
      detail.textContent = label === "" ? t("inspector.unannotated") : label;
    };
    span.addEventListener("mouseenter", show);
    span.addEventListener("focus", show);
    bytes.append(span, " ");
  }
  const present = LAYER_NAMES.filter((name) => layers.some((layer) => layer.layer === name));
  const legend = h(
    "ul",
    { class: "legend", "aria-label": t("inspector.legend") },
    present.map((name) =>
      h("li", {}, h("span", { class: "swatch", "data-layer": name }), name.toUpperCase()),
    ),
  );
  const fields = table(
    t("inspector.fields"),
    [t("inspector.layer"), t("inspector.field"), t("inspector.bytes"), t("common.value")],
    layers.map((layer) => [
      h("span", { class: "swatch", "data-layer": layer.layer }, layer.layer.toUpperCase()),
      layer.label,
      layer.end - layer.start === 1 ? String(layer.start) : `${layer.start}–${layer.end - 1}`,
      h(
        "span",
        {},
        layer.value,
        layer.note === undefined ? null : h("span", { class: "muted" }, ` (${layer.note})`),
      ),
    ]),
    view === "frame" ? "inspector-fields" : "inspector-plaintext-fields",
  );
  return h(
    "div",
    { "data-testid": view === "frame" ? "inspector-frame" : "inspector-plaintext" },
    view === "plaintext" ? h("h3", {}, t("inspector.plaintext")) : null,
    legend,
    bytes,
    detail,
    fields,
  );
}

/** The frame's view, and the decrypted APDU's when there is one. */
function annotatedViews(t: Translate, hex: string, result: InspectResponse): HTMLElement {
  const frame = result.layers.filter((layer) => layer.source === undefined);
  const plaintext = result.layers.filter((layer) => layer.source === "plaintext");
  return h(
    "div",
    { "data-testid": "inspector-annotated" },
    annotated(t, hex, frame, "frame"),
    result.plaintext === null ? null : annotated(t, result.plaintext, plaintext, "plaintext"),
  );
}

export const inspectorPage: Page = (root, { t, language, meter }) => {
  const hexInput = h("textarea", {
    id: "inspect-hex",
    rows: "5",
    spellcheck: "false",
    autocomplete: "off",
    "data-testid": "inspector-hex",
  });
  const keyAttributes = (id: string, testId: string) => ({
    id,
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    inputmode: "text",
    maxlength: "64",
    "data-testid": testId,
  });
  const keyInput = h("input", keyAttributes("inspect-key", "inspector-key"));
  const authKeyInput = h("input", keyAttributes("inspect-auth-key", "inspector-auth-key"));
  const formProblem = h("div", { "aria-live": "assertive" });
  const output = h("div", { "data-testid": "inspector-output" });
  const frames = h("div", { "data-testid": "inspector-frames" });
  const form = h(
    "form",
    { class: "stack", novalidate: true },
    h("label", { class: "field", for: "inspect-hex" }, h("span", {}, t("inspector.hex")), hexInput),
    h(
      "div",
      { class: "controls" },
      h("label", { class: "field", for: "inspect-key" }, h("span", {}, t("inspector.key")), keyInput),
      h(
        "label",
        { class: "field", for: "inspect-auth-key" },
        h("span", {}, t("inspector.authKey")),
        authKeyInput,
      ),
    ),
    h("p", { class: "muted" }, t("inspector.keyPrivacy")),
    formProblem,
    h("div", {}, h("button", { type: "submit", "data-testid": "inspector-submit" }, t("inspector.run"))),
  );

  const inspect = async () => {
    const hex = cleanHex(hexInput.value);
    const key = cleanKey(keyInput.value);
    const authKey = cleanKey(authKeyInput.value);
    if (!hex.ok) return replaceChildren(formProblem, notice("warn", t(HEX_PROBLEM[hex.problem])));
    if (!key.ok || !authKey.ok) return replaceChildren(formProblem, notice("warn", t("inspector.keyShape")));
    replaceChildren(formProblem);
    replaceChildren(output, loading(t));
    const body: Record<string, string> = { hex: hex.hex };
    if (key.key !== null) body["key"] = key.key;
    if (authKey.key !== null) body["auth_key"] = authKey.key;
    const result = await postJson<InspectResponse>("inspect", body);
    if (!result.ok) return replaceChildren(output, errorBox(t, result.error));
    const { summary, readings, issues } = result.data;
    replaceChildren(
      output,
      card(
        t("inspector.summary"),
        { "data-testid": "inspector-summary" },
        facts([
          [t("inspector.protocol"), summary.protocol],
          [t("setup.encrypted"), t(summary.encrypted ? "common.yes" : "common.no")],
          [t("setup.systemTitle"), summary.systemTitle ?? "–"],
          [t("setup.manufacturer"), summary.manufacturer ?? "–"],
          [t("setup.layout"), summary.layout ?? "–"],
        ]),
        issues.length === 0
          ? null
          : h(
              "ul",
              { class: "issues", "data-testid": "inspector-issues" },
              issues.map((issue) =>
                h("li", { class: "notice notice-warn" }, h("code", {}, issue.code), " ", issue.message),
              ),
            ),
      ),
      card(t("inspector.annotated"), {}, annotatedViews(t, hex.hex, result.data)),
      card(
        t("inspector.readings"),
        {},
        readings.length === 0
          ? h("p", { class: "muted", "data-testid": "inspector-readings" }, t("inspector.noReadings"))
          : table(
              t("inspector.readings"),
              [t("common.obis"), t("common.register"), t("common.value")],
              readings.map((reading) => [
                h("code", {}, reading.obis),
                reading.name,
                formatReading(language, reading.value, reading.unit),
              ]),
              "inspector-readings",
            ),
      ),
    );
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void inspect();
  });

  const loadFrames = async () => {
    replaceChildren(frames, loading(t));
    const result = await getJson<{ frames: FrameRecord[] }>("frames", { limit: "50", meter });
    if (!result.ok) return replaceChildren(frames, errorBox(t, result.error));
    if (result.data.frames.length === 0)
      return replaceChildren(frames, notice("info", t("inspector.noFrames")));
    replaceChildren(
      frames,
      table(
        t("inspector.lastFrames"),
        [t("inspector.time"), t("inspector.protocol"), t("inspector.bytes"), t("inspector.outcome"), ""],
        result.data.frames.map((frame) => {
          const button = h(
            "button",
            { type: "button", class: "small", "data-testid": "inspector-frame-inspect" },
            t("inspector.inspect"),
          );
          button.addEventListener("click", () => {
            hexInput.value = frame.hex;
            void inspect();
            output.scrollIntoView({ block: "start" });
          });
          return [
            formatDateTime(language, frame.at),
            frame.protocol,
            String(frame.hex.length / 2),
            frame.issue === null
              ? t("inspector.decoded", { count: frame.readings })
              : h("span", { title: frame.issue.message }, frame.issue.code),
            button,
          ];
        }),
        "inspector-frames-table",
      ),
    );
  };

  const refresh = h("button", { type: "button", class: "small" }, t("common.refresh"));
  refresh.addEventListener("click", () => void loadFrames());

  replaceChildren(
    root,
    h("h1", {}, t("nav.inspector")),
    card(t("inspector.paste"), {}, h("p", { class: "muted" }, t("inspector.intro")), form),
    output,
    card(t("inspector.lastFrames"), {}, refresh, frames),
  );
  void loadFrames();
  return () => {
    // The keys live in these fields only; empty them before the page's DOM is dropped.
    keyInput.value = "";
    authKeyInput.value = "";
  };
};
