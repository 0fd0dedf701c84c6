/**
 * Live: power, per-phase voltage and current, totals, link state and the age of the last push.
 * Values arrive by the server's event stream; while it is down the page polls every 5 s.
 */
import { getJson } from "../api.js";
import type { LatestReadings, LinkState, MeterSummary } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import {
  formatAge,
  formatDateTime,
  formatEnergy,
  formatNumber,
  formatPower,
  formatReading,
  toEpochMs,
} from "../format.js";
import type { MessageKey } from "../messages/en.js";
import { type LiveView, liveView } from "../live-model.js";
import type { Page } from "../page.js";
import { card, errorBox, table } from "../ui.js";

const POLL_MS = 5000;

const LINK_TEXT: Readonly<Record<LinkState, MessageKey>> = {
  connecting: "link.connecting",
  up: "link.up",
  down: "link.down",
  stopped: "link.stopped",
};

function value(testId: string): HTMLElement {
  return h("span", { class: "value", "data-testid": testId }, "–");
}

export const livePage: Page = (root, { t, language, meter, stream }) => {
  const powerImport = value("live-power-import");
  const powerExport = value("live-power-export");
  const powerNet = value("live-power-net");
  const energyImport = value("live-energy-import");
  const energyExport = value("live-energy-export");
  const link = h("span", { class: "chip", "data-testid": "live-link" }, "–");
  const age = h("span", { "data-testid": "live-frame-age" }, "–");
  const meterTime = h("span", { "data-testid": "live-meter-time" }, "–");
  const phases = h("div", { "data-testid": "live-phases" });
  const others = h("div");
  const problem = h("div", { "data-testid": "live-error" });

  replaceChildren(
    root,
    h("h1", {}, t("nav.live")),
    problem,
    h(
      "p",
      { class: "status-row" },
      h("span", {}, t("live.link"), " ", link),
      h("span", {}, t("live.lastFrame"), " ", age),
      h("span", {}, t("live.meterTime"), " ", meterTime),
    ),
    h(
      "div",
      { class: "grid tiles", "aria-live": "polite", "aria-atomic": "false" },
      card(t("live.powerImport"), { class: "card tile import" }, powerImport),
      card(t("live.powerExport"), { class: "card tile export" }, powerExport),
      card(t("live.powerNet"), { class: "card tile net" }, powerNet),
    ),
    h(
      "div",
      { class: "grid" },
      card(t("live.phases"), {}, phases),
      card(
        t("live.totals"),
        {},
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, t("live.energyImport")),
          h("dd", {}, energyImport),
          h("dt", {}, t("live.energyExport")),
          h("dd", {}, energyExport),
        ),
      ),
    ),
    card(t("live.otherRegisters"), {}, others),
  );

  let receivedAt: number | null = null;
  let shownMeter = meter;

  const setValue = (element: HTMLElement, number: number | null, text: string) => {
    element.textContent = text;
    if (number === null) element.removeAttribute("data-value");
    else element.dataset["value"] = String(number);
  };

  const showAge = () => {
    age.textContent = receivedAt === null ? "–" : formatAge(language, Date.now() - receivedAt);
  };

  const showView = (view: LiveView) => {
    setValue(powerImport, view.powerImport, formatPower(language, view.powerImport));
    setValue(powerExport, view.powerExport, formatPower(language, view.powerExport));
    setValue(powerNet, view.powerNet, formatPower(language, view.powerNet));
    setValue(energyImport, view.energyImport, formatEnergy(language, view.energyImport));
    setValue(energyExport, view.energyExport, formatEnergy(language, view.energyExport));
    replaceChildren(
      phases,
      view.phases.length === 0
        ? h("p", { class: "muted" }, t("live.noPhases"))
        : table(
            t("live.phases"),
            [t("live.phase"), t("live.voltage"), t("live.current"), t("live.powerNet")],
            view.phases.map((phase) => [
              `L${phase.phase}`,
              h(
                "span",
                { "data-testid": `live-voltage-l${phase.phase}` },
                `${formatNumber(language, phase.voltage, 1)} V`,
              ),
              h(
                "span",
                { "data-testid": `live-current-l${phase.phase}` },
                `${formatNumber(language, phase.current, 2)} A`,
              ),
              formatPower(language, phase.powerNet),
            ]),
          ),
    );
    replaceChildren(
      others,
      table(
        t("live.otherRegisters"),
        [t("common.register"), t("common.obis"), t("common.value")],
        view.others.map((reading) => [
          reading.name,
          h("code", {}, reading.obis),
          formatReading(language, reading.value, reading.unit),
        ]),
        "live-readings",
      ),
    );
  };

  const showSnapshot = (latest: LatestReadings) => {
    if (shownMeter === null) shownMeter = latest.meter;
    if (latest.meter !== shownMeter) return;
    receivedAt = toEpochMs(latest.receivedAt);
    meterTime.textContent = formatDateTime(language, latest.meterTime);
    replaceChildren(problem);
    showView(liveView(latest.readings));
    showAge();
  };

  const showLink = (state: LinkState) => {
    link.textContent = t(LINK_TEXT[state] ?? "link.connecting");
    link.dataset["state"] = state;
  };

  const poll = async () => {
    const [latest, meters] = await Promise.all([
      getJson<LatestReadings>("readings/latest", { meter }),
      getJson<{ meters: MeterSummary[] }>("meters"),
    ]);
    if (meters.ok) {
      const summary = meters.data.meters.find((candidate) => candidate.key === (shownMeter ?? candidate.key));
      if (summary !== undefined) showLink(summary.link);
    }
    if (latest.ok) showSnapshot(latest.data);
    else replaceChildren(problem, errorBox(t, latest.error));
  };

  const unsubscribe = [
    stream.on("snapshot", (data) => showSnapshot(data as LatestReadings)),
    stream.on("link", (data) => {
      const event = data as { meter: string; state: LinkState };
      if (shownMeter === null || event.meter === shownMeter) showLink(event.state);
    }),
  ];
  void poll();
  const pollTimer = window.setInterval(() => {
    // The stream carries every push; polling only while it is down or has gone quiet.
    const stale = receivedAt === null || Date.now() - receivedAt > 3 * POLL_MS;
    if (!stream.open || stale) void poll();
  }, POLL_MS);
  const ageTimer = window.setInterval(showAge, 1000);

  return () => {
    for (const stop of unsubscribe) stop();
    window.clearInterval(pollTimer);
    window.clearInterval(ageTimer);
  };
};
