/**
 * Building: every configured meter's energy from the grid and cost over a billing period, with its
 * share of the building's — the landlord's split of a common bill. Sub-meters are indented under the
 * meter they are behind, followed by that meter's rest; the split bars show the pieces that together
 * make the building (meters with nothing behind them, and rests), each kWh once (/api/building).
 */
import { getJson } from "../api.js";
import type { BuildingResponse, BuildingRow } from "../api-types.js";
import { type Child, h, replaceChildren } from "../dom.js";
import { formatEnergy, formatMoney, formatPercent } from "../format.js";
import type { Translate } from "../i18n.js";
import type { MessageKey } from "../messages/en.js";
import type { Page } from "../page.js";
import { BILLING_PERIODS, type BillingPeriod, billingPeriod } from "../periods.js";
import { card, errorBox, loading, notice, select } from "../ui.js";

type Choice = BillingPeriod | "custom";

const PERIOD_TEXT: Readonly<Record<Choice, MessageKey>> = {
  month: "building.month",
  lastMonth: "building.lastMonth",
  year: "building.year",
  lastYear: "building.lastYear",
  "30d": "period.30d",
  custom: "building.custom",
};

const REASON_TEXT: Readonly<Record<string, MessageKey>> = {
  "not-heard": "building.reasonNotHeard",
  "no-data": "building.reasonNoData",
  "sub-meter-missing": "building.reasonSubMeterMissing",
  "parent-missing": "building.reasonParentMissing",
  "negative-rest": "building.reasonNegativeRest",
};

/** The palette's size (styles.css --series-1 … --series-8). */
const COLOURS = 8;

/** Coverage points a top-level meter may lack against the best covered before the shares are suspect. */
const COVERAGE_SLACK = 1;

/** Sizes through the CSSOM, which a Content-Security-Policy without 'unsafe-inline' still allows. */
function styled<E extends HTMLElement>(element: E, style: Partial<CSSStyleDeclaration>): E {
  Object.assign(element.style, style);
  return element;
}

/** The total is the whole: 100 %, unless there is nothing to share. */
const whole = (amount: number | null) => (amount !== null && amount > 0 ? 100 : null);

const colourOf = (index: number) => `var(--series-${(index % COLOURS) + 1})`;

function meterName(row: BuildingRow): string {
  return row.name ?? row.physical[0]?.serial ?? row.id;
}

function rowLabel(t: Translate, row: BuildingRow): string {
  return row.kind === "rest" ? t("building.rest", { name: meterName(row) }) : meterName(row);
}

/** The rows no other row splits further: meters with nothing behind them, and rests. */
function pieces(rows: readonly BuildingRow[]): BuildingRow[] {
  const split = new Set(rows.filter((row) => row.kind === "rest").map((row) => row.id));
  return rows.filter((row) => row.kind === "rest" || !split.has(row.id));
}

export const buildingPage: Page = (root, { t, language }) => {
  let choice: Choice = "month";
  let generation = 0;
  const body = h("div", { "data-testid": "building" });
  const fromInput = h("input", { type: "date", "data-testid": "building-from" });
  const toInput = h("input", { type: "date", "data-testid": "building-to" });
  const custom = h(
    "form",
    { class: "controls", hidden: true },
    h("label", { class: "field" }, h("span", {}, t("building.from")), fromInput),
    h("label", { class: "field" }, h("span", {}, t("building.to")), toInput),
    h("button", { type: "submit", "data-testid": "building-show" }, t("building.show")),
  );
  custom.addEventListener("submit", (event) => {
    event.preventDefault();
    if (fromInput.value !== "" && toInput.value !== "") void load(`${fromInput.value}/${toInput.value}`);
  });

  const money = (amount: number | null, currency: string) => formatMoney(language, amount, currency);

  const splitBar = (
    what: string,
    parts: readonly { row: BuildingRow; colour: string; value: number | null }[],
    testId: string,
  ) => {
    const shown = parts.filter((part) => part.value !== null && part.value > 0);
    const label = (part: (typeof shown)[number]) =>
      `${rowLabel(t, part.row)} ${formatPercent(language, part.value)}`;
    return h(
      "div",
      { class: "split" },
      h("h3", {}, what),
      h(
        "div",
        {
          class: "split-bar",
          role: "img",
          "aria-label": t("building.splitSummary", { what, parts: shown.map(label).join(", ") }),
          "data-testid": testId,
        },
        shown.map((part) =>
          styled(h("span", { class: "split-part", title: label(part) }), {
            width: `${part.value}%`,
            backgroundColor: part.colour,
          }),
        ),
      ),
    );
  };

  const show = (data: BuildingResponse) => {
    const { rows, total, currency } = data;
    const names = new Map(rows.map((row) => [row.id, meterName(row)]));
    const colours = new Map(pieces(rows).map((row, index) => [row, colourOf(index)]));
    const notes: HTMLElement[] = [];
    if (!total.complete) notes.push(notice("warn", t("building.incomplete")));
    const tops = rows.filter((row) => row.depth === 0 && row.coverage !== null);
    const best = Math.max(...tops.map((row) => row.coverage ?? 0));
    const short = tops.filter((row) => (row.coverage ?? 0) < best - COVERAGE_SLACK);
    if (short.length > 0)
      notes.push(notice("warn", t("building.partial", { meters: short.map(meterName).join(", ") })));
    if (total.unpricedIntervals > 0)
      notes.push(notice("warn", t("cost.unpriced", { count: total.unpricedIntervals })));
    if (currency === null) notes.push(notice("info", t("building.noTariff")));

    const parts = [...colours].map(([row, colour]) => ({ row, colour }));
    const cells = (row: BuildingRow): Child[] => {
      const colour = colours.get(row);
      const reason = row.reason === null ? undefined : REASON_TEXT[row.reason.code];
      const name = h(
        "td",
        {},
        colour === undefined
          ? null
          : styled(h("span", { class: "swatch", "aria-hidden": "true" }), {
              backgroundColor: colour,
            }),
        rowLabel(t, row),
        row.behind !== null && row.kind === "meter"
          ? h(
              "span",
              { class: "visually-hidden" },
              ` (${t("building.behind", { name: names.get(row.behind) ?? row.behind })})`,
            )
          : null,
        reason === undefined ? null : h("span", { class: "row-reason" }, t(reason)),
      );
      styled(name, { paddingLeft: `${8 + row.depth * 24}px` });
      return [
        name,
        h("td", {}, row.kind === "meter" ? (row.area ?? "") : ""),
        h("td", { class: "number" }, formatEnergy(language, row.importKwh)),
        h("td", { class: "number" }, formatPercent(language, row.share)),
        ...(currency === null
          ? []
          : [
              h("td", { class: "number" }, money(row.cost, currency)),
              h("td", { class: "number" }, formatPercent(language, row.costShare)),
            ]),
      ];
    };
    const headers = [
      t("building.meter"),
      t("building.area"),
      t("building.import"),
      t("building.share"),
      ...(currency === null ? [] : [t("building.cost"), t("building.costShare")]),
    ];
    replaceChildren(
      body,
      notes,
      card(
        t("building.shares"),
        {},
        splitBar(
          t("building.energySplit"),
          parts.map((part) => ({ ...part, value: part.row.share })),
          "building-split-energy",
        ),
        currency === null
          ? null
          : splitBar(
              t("building.costSplit"),
              parts.map((part) => ({ ...part, value: part.row.costShare })),
              "building-split-cost",
            ),
      ),
      card(
        t("building.table"),
        {},
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { "data-testid": "building-table" },
            h("caption", { class: "visually-hidden" }, t("building.table")),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                headers.map((header, i) =>
                  h("th", { scope: "col", class: i >= 2 ? "number" : null }, header),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              rows.map((row) =>
                h(
                  "tr",
                  {
                    class: row.kind === "rest" ? "rest" : null,
                    "data-testid": "building-row",
                    "data-kind": row.kind,
                    "data-id": row.id,
                    "data-depth": row.depth,
                  },
                  cells(row),
                ),
              ),
            ),
            h(
              "tfoot",
              {},
              h(
                "tr",
                { "data-testid": "building-total" },
                h("td", {}, t("building.total")),
                h("td", {}),
                h("td", { class: "number" }, formatEnergy(language, total.importKwh)),
                h("td", { class: "number" }, formatPercent(language, whole(total.importKwh))),
                ...(currency === null
                  ? []
                  : [
                      h("td", { class: "number" }, money(total.cost, currency)),
                      h("td", { class: "number" }, formatPercent(language, whole(total.cost))),
                    ]),
              ),
            ),
          ),
        ),
      ),
    );
  };

  const load = async (period: string) => {
    const current = ++generation;
    replaceChildren(body, loading(t));
    const result = await getJson<BuildingResponse>("building", { period });
    if (current !== generation) return;
    if (result.ok) show(result.data);
    else replaceChildren(body, errorBox(t, result.error));
  };

  replaceChildren(
    root,
    h("h1", {}, t("nav.building")),
    h("p", { class: "muted" }, t("building.intro")),
    h(
      "div",
      { class: "controls" },
      select(
        t("building.period"),
        [...BILLING_PERIODS, "custom" as const].map((value) => [value, t(PERIOD_TEXT[value])] as const),
        choice,
        (value) => {
          choice = value;
          custom.hidden = value !== "custom";
          if (value !== "custom") void load(billingPeriod(value, new Date()));
        },
        "building-period",
      ),
    ),
    custom,
    body,
  );
  void load(billingPeriod(choice, new Date()));
  return () => {
    generation++;
  };
};
