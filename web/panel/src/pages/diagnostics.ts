/**
 * Diagnostics: frame counters, rejected frames by reason, decryption failures, values the integrity
 * guard held back, the store's size; and the guard's baseline reset after a meter replacement, which
 * asks first (the same as the add-on's `reset_integrity_guard`).
 */
import { getJson, postJson } from "../api.js";
import type { DiagnosticsResponse, MeterDiagnostics } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import { formatBytes, formatDateTime, formatDuration, formatNumber } from "../format.js";
import type { Translate } from "../i18n.js";
import type { Page } from "../page.js";
import { card, errorBox, facts, loading, notice, table } from "../ui.js";

function countTable(t: Translate, caption: string, counts: Readonly<Record<string, number>>, testId: string) {
  const rows = Object.entries(counts).filter(([, count]) => count > 0);
  if (rows.length === 0)
    return h("p", { class: "muted", "data-testid": testId }, t("diagnostics.noneRejected"));
  return table(
    caption,
    [t("diagnostics.reason"), t("diagnostics.count")],
    rows.map(([reason, count]) => [h("code", {}, reason), String(count)]),
    testId,
  );
}

export const diagnosticsPage: Page = (root, { t, language, meter }) => {
  const body = h("div", { "data-testid": "diagnostics" }, loading(t));
  const resetResult = h("div", { "aria-live": "polite", "data-testid": "diag-reset-result" });
  const cancel = h(
    "button",
    { type: "button", class: "secondary", "data-testid": "diag-reset-cancel" },
    t("common.cancel"),
  );
  const confirm = h(
    "button",
    { type: "button", class: "danger", "data-testid": "diag-reset-confirm" },
    t("diagnostics.resetConfirm"),
  );
  const dialog = h(
    "dialog",
    { "aria-labelledby": "reset-title", "data-testid": "diag-reset-dialog" },
    h("h2", { id: "reset-title" }, t("diagnostics.resetTitle")),
    h("p", {}, t("diagnostics.resetExplain")),
    h("div", { class: "controls end" }, cancel, confirm),
  );
  /** The meter whose baseline the open dialog is about. */
  let pending: string | null = null;
  cancel.addEventListener("click", () => dialog.close());
  confirm.addEventListener("click", async () => {
    dialog.close();
    const result = await postJson<unknown>("diagnostics/reset-guard", { confirm: true }, { meter: pending });
    replaceChildren(
      resetResult,
      result.ok ? notice("info", t("diagnostics.resetDone")) : errorBox(t, result.error),
    );
    void load();
  });
  const resetButton = (key: string) => {
    const button = h(
      "button",
      { type: "button", class: "danger", "data-testid": "diag-reset-guard" },
      t("diagnostics.reset"),
    );
    button.addEventListener("click", () => {
      pending = key;
      dialog.showModal();
    });
    return button;
  };

  const meterCard = (diagnostics: MeterDiagnostics) =>
    card(
      t("diagnostics.meter", { meter: diagnostics.meter }),
      { "data-testid": "diag-meter" },
      facts([
        [
          t("diagnostics.framesReceived"),
          formatNumber(language, diagnostics.framesReceived, 0),
          "diag-frames-received",
        ],
        [t("diagnostics.lostFrames"), formatNumber(language, diagnostics.lostFrames, 0)],
        [
          t("diagnostics.decryptionFailures"),
          formatNumber(language, diagnostics.decryptionFailures, 0),
          "diag-decryption-failures",
        ],
        [
          t("diagnostics.totalsHeldBack"),
          formatNumber(language, diagnostics.totalsHeldBack, 0),
          "diag-guard-holds",
        ],
        [t("diagnostics.lastFrame"), formatDateTime(language, diagnostics.lastFrameAt)],
        ...(diagnostics.clockOffsetSeconds === undefined || diagnostics.clockOffsetSeconds === null
          ? []
          : [
              [
                t("diagnostics.clockOffset"),
                t("diagnostics.clockOffsetValue", {
                  seconds: formatNumber(language, diagnostics.clockOffsetSeconds, 0),
                }),
                "diag-clock-offset",
              ] as const,
            ]),
        [t("diagnostics.stateWriteFailures"), formatNumber(language, diagnostics.stateWriteFailures, 0)],
        ...(diagnostics.lastStateError === null
          ? []
          : [[t("diagnostics.lastStateError"), diagnostics.lastStateError] as const]),
      ]),
      h("h3", {}, t("diagnostics.framesRejected")),
      countTable(t, t("diagnostics.framesRejected"), diagnostics.framesRejected, "diag-rejected"),
      h("h3", {}, t("diagnostics.readingsRejected")),
      countTable(
        t,
        t("diagnostics.readingsRejected"),
        diagnostics.readingsRejected,
        "diag-readings-rejected",
      ),
      h("h3", {}, t("diagnostics.guard")),
      h("p", { class: "muted" }, t("diagnostics.guardExplain")),
      resetButton(diagnostics.meter),
    );

  const show = (diagnostics: DiagnosticsResponse) => {
    const meters = diagnostics.meters.filter((candidate) => meter === null || candidate.meter === meter);
    replaceChildren(
      body,
      meters.map(meterCard),
      card(
        t("diagnostics.service"),
        {},
        facts([
          [t("diagnostics.version"), diagnostics.version],
          [t("diagnostics.uptime"), formatDuration(language, diagnostics.uptimeSeconds)],
          ...(diagnostics.store === null
            ? [[t("diagnostics.store"), t("diagnostics.noStore")] as const]
            : [
                [
                  t("diagnostics.storeSize"),
                  formatBytes(language, diagnostics.store.bytes),
                  "diag-store-size",
                ] as const,
                [
                  t("diagnostics.storeIntervals"),
                  formatNumber(language, diagnostics.store.intervals, 0),
                ] as const,
                [t("diagnostics.storeFile"), h("code", {}, diagnostics.store.file)] as const,
              ]),
        ]),
      ),
    );
  };

  const load = async () => {
    const result = await getJson<DiagnosticsResponse>("diagnostics");
    if (result.ok) show(result.data);
    else replaceChildren(body, errorBox(t, result.error));
  };

  replaceChildren(root, h("h1", {}, t("nav.diagnostics")), resetResult, body, dialog);
  void load();
  const timer = window.setInterval(() => {
    // A rebuild would take the keyboard focus away from a button the user is on.
    if (!dialog.open && !body.contains(document.activeElement)) void load();
  }, 10_000);
  return () => {
    window.clearInterval(timer);
    if (dialog.open) dialog.close();
  };
};
