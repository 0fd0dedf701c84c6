/** Anomalies: the incidents of a period on a timeline, each with its sentence and expected vs observed. */
import { getJson } from "../api.js";
import type { AnomaliesResponse, Incident } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import { formatDateTime, formatNumber, toEpochMs } from "../format.js";
import type { MessageKey } from "../messages/en.js";
import type { Page } from "../page.js";
import { timelineSpan } from "../timeline.js";
import { card, errorBox, loading, notice, select } from "../ui.js";

const PERIODS = { "7d": 7, "30d": 30, "1y": 365 } as const;
type AnomalyPeriod = keyof typeof PERIODS;
const PERIOD_TEXT: Readonly<Record<AnomalyPeriod, MessageKey>> = {
  "7d": "period.7d",
  "30d": "period.30d",
  "1y": "period.1y",
};

/** Sizes through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' still allows. */
function sized<E extends HTMLElement>(element: E, style: { left?: string; width: string }): E {
  element.style.width = style.width;
  if (style.left !== undefined) element.style.left = style.left;
  return element;
}

/** Two bars on one scale: what the detector expected and what the meter measured. */
function comparisonBars(
  label: (key: MessageKey) => string,
  incident: Incident,
  format: (v: number) => string,
) {
  const scale = Math.max(Math.abs(incident.expected), Math.abs(incident.observed), Number.EPSILON);
  const bar = (key: MessageKey, value: number, kind: string) =>
    h(
      "div",
      { class: "bar-row" },
      h("span", { class: "bar-label" }, label(key)),
      h(
        "span",
        { class: "bar-track" },
        sized(h("span", { class: `bar bar-${kind}` }), { width: `${(Math.abs(value) / scale) * 100}%` }),
      ),
      h("span", { class: "bar-value" }, `${format(value)} ${incident.unit}`),
    );
  return h(
    "div",
    { class: "bars", role: "group", "aria-label": label("anomalies.expectedVsObserved") },
    bar("anomalies.expected", incident.expected, "expected"),
    bar("anomalies.observed", incident.observed, "observed"),
  );
}

export const anomaliesPage: Page = (root, { t, language, meter }) => {
  let period: AnomalyPeriod = "30d";
  const body = h("div", { "data-testid": "anomalies" });

  const show = (response: AnomaliesResponse, fromMs: number, toMs: number) => {
    const incidents = [...response.incidents].sort(
      (a, b) => (toEpochMs(b.since) ?? 0) - (toEpochMs(a.since) ?? 0),
    );
    const strip = h("div", { class: "timeline", role: "group", "aria-label": t("anomalies.timeline") });
    for (const incident of incidents) {
      const since = toEpochMs(incident.since) ?? fromMs;
      const until = incident.open ? toMs : (toEpochMs(incident.until) ?? since);
      const { left, width } = timelineSpan(since, until, fromMs, toMs);
      const mark = sized(
        h("button", {
          type: "button",
          class: `timeline-mark${incident.open ? " open" : ""}`,
          title: incident.sentence,
          "aria-label": `${formatDateTime(language, incident.since)}: ${incident.sentence}`,
        }),
        { left: `${left}%`, width: `${width}%` },
      );
      // The hash is the page's route, so the mark focuses the incident's card instead of linking to it.
      mark.addEventListener("click", () => document.getElementById(`incident-${incident.id}`)?.focus());
      strip.append(mark);
    }
    replaceChildren(
      body,
      response.status === "learning"
        ? notice(
            "info",
            t("anomalies.learning", { days: response.history.days, needed: response.history.needed }),
          )
        : null,
      h(
        "div",
        { class: "timeline-wrap" },
        strip,
        h(
          "div",
          { class: "timeline-axis muted" },
          h("span", {}, formatDateTime(language, fromMs)),
          h("span", {}, formatDateTime(language, toMs)),
        ),
      ),
      incidents.length === 0
        ? notice("info", t("anomalies.none"))
        : h(
            "ol",
            { class: "incidents" },
            incidents.map((incident) =>
              h(
                "li",
                {
                  id: `incident-${incident.id}`,
                  class: "card incident",
                  tabindex: "-1",
                  "data-testid": "anomaly-incident",
                },
                h(
                  "p",
                  { class: "incident-head" },
                  h(
                    "span",
                    { class: `chip${incident.open ? " chip-warn" : ""}` },
                    t(incident.open ? "anomalies.open" : "anomalies.closed"),
                  ),
                  h("span", { class: "muted" }, incident.kind),
                  h(
                    "span",
                    { class: "muted" },
                    incident.open || incident.until === null
                      ? t("anomalies.since", { time: formatDateTime(language, incident.since) })
                      : `${formatDateTime(language, incident.since)} – ${formatDateTime(language, incident.until)}`,
                  ),
                ),
                h("p", { class: "lead" }, incident.sentence),
                comparisonBars(t, incident, (value) => formatNumber(language, value, 2)),
              ),
            ),
          ),
    );
  };

  const load = async () => {
    replaceChildren(body, loading(t));
    const toMs = Date.now();
    const fromMs = toMs - PERIODS[period] * 86_400_000;
    const result = await getJson<AnomaliesResponse>("anomalies", { period, meter });
    if (result.ok) show(result.data, fromMs, toMs);
    else replaceChildren(body, errorBox(t, result.error));
  };

  replaceChildren(
    root,
    h("h1", {}, t("nav.anomalies")),
    h(
      "div",
      { class: "controls" },
      select(
        t("history.period"),
        (Object.keys(PERIODS) as AnomalyPeriod[]).map((value) => [value, t(PERIOD_TEXT[value])] as const),
        period,
        (value) => {
          period = value;
          void load();
        },
        "anomalies-period",
      ),
    ),
    card(null, {}, body),
  );
  void load();
  return () => {};
};
