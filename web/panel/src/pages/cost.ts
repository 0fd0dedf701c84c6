/**
 * Cost: today, this month and this year under the configured tariff, split by rate, with the
 * capacity charge and a comparison with another tariff ("what would I have paid on …?").
 */
import { getJson } from "../api.js";
import type { CostResponse } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import { formatEnergy, formatMoney, formatNumber } from "../format.js";
import type { MessageKey } from "../messages/en.js";
import type { Page } from "../page.js";
import { CALENDAR_PERIODS, type CalendarPeriod, calendarPeriod } from "../periods.js";
import { card, errorBox, facts, loading, notice, select, table } from "../ui.js";

const PERIOD_TEXT: Readonly<Record<CalendarPeriod, MessageKey>> = {
  today: "cost.today",
  month: "cost.month",
  year: "cost.year",
};

/** The built-in alternative of the contract: the same energy at the period's mean price. */
const FLAT_AVERAGE = "flat-average";

/** The month's capacity peak from the live `cost` event (src/model/insights.ts CostState). */
function capacityPeakKw(event: unknown): number | null {
  const state = (event as { state?: unknown } | undefined)?.state ?? event;
  const capacity = (state as { capacity?: { peakKw?: unknown } | null } | undefined)?.capacity;
  return typeof capacity?.peakKw === "number" ? capacity.peakKw : null;
}

export const costPage: Page = (root, { t, language, meter, stream }) => {
  let period: CalendarPeriod = "month";
  const totals = h("div", { class: "grid tiles" });
  const details = h("div");
  const comparison = h("div", { "data-testid": "cost-compare-result", "aria-live": "polite" });
  const tariffInput = h("input", {
    id: "compare-tariff",
    list: "known-tariffs",
    value: FLAT_AVERAGE,
    autocomplete: "off",
    "data-testid": "cost-compare-input",
  });
  const compareForm = h(
    "form",
    { class: "controls" },
    h("label", { class: "field", for: "compare-tariff" }, h("span", {}, t("cost.compareWith")), tariffInput),
    h("datalist", { id: "known-tariffs" }, h("option", { value: FLAT_AVERAGE })),
    h("button", { type: "submit", "data-testid": "cost-compare-submit" }, t("cost.compare")),
  );
  const money = (amount: number | null, currency: string) => formatMoney(language, amount, currency);

  const showDetails = (cost: CostResponse) => {
    const peak = capacityPeakKw(stream.last("cost"));
    replaceChildren(
      details,
      cost.unpricedIntervals > 0
        ? notice("warn", t("cost.unpriced", { count: cost.unpricedIntervals }))
        : null,
      facts([
        [t("cost.importEnergy"), formatEnergy(language, cost.importKwh)],
        [t("cost.importCost"), money(cost.importCost, cost.currency)],
        [t("cost.exportEnergy"), formatEnergy(language, cost.exportKwh)],
        [t("cost.exportCredit"), money(cost.exportCredit, cost.currency)],
        [t("cost.standing"), money(cost.standingCharges, cost.currency)],
        [t("cost.capacity"), money(cost.capacityCost, cost.currency)],
        ...(peak === null
          ? []
          : [[t("cost.capacityPeak"), `${formatNumber(language, peak, 2)} kW`] as const]),
        [t("cost.net"), h("strong", {}, money(cost.netCost, cost.currency))],
      ]),
      table(
        t("cost.byRate"),
        [t("cost.rate"), t("cost.importEnergy"), t("cost.importCost")],
        cost.byRate.map((rate) => [
          rate.rate,
          formatEnergy(language, rate.importKwh),
          money(rate.cost, cost.currency),
        ]),
        "cost-by-rate",
      ),
    );
  };

  const loadTotals = async () => {
    replaceChildren(totals, loading(t));
    const now = new Date();
    const results = await Promise.all(
      CALENDAR_PERIODS.map((name) =>
        getJson<CostResponse>("costs", { period: calendarPeriod(name, now), meter }),
      ),
    );
    const firstError = results.find((result) => !result.ok);
    if (firstError !== undefined && !firstError.ok) {
      replaceChildren(totals, errorBox(t, firstError.error));
      replaceChildren(details);
      return;
    }
    replaceChildren(
      totals,
      CALENDAR_PERIODS.map((name, i) => {
        const result = results[i];
        const net = result?.ok ? money(result.data.netCost, result.data.currency) : "–";
        return h(
          "section",
          { class: "card tile" },
          h("h2", {}, t(PERIOD_TEXT[name])),
          h("span", { class: "value", "data-testid": `cost-${name}` }, net),
        );
      }),
    );
    const selected = results[CALENDAR_PERIODS.indexOf(period)];
    if (selected?.ok) showDetails(selected.data);
  };

  const compare = async () => {
    const name = tariffInput.value.trim();
    if (name === "") return;
    replaceChildren(comparison, loading(t));
    const range = calendarPeriod(period, new Date());
    const [configured, alternative] = await Promise.all([
      getJson<CostResponse>("costs", { period: range, meter }),
      getJson<CostResponse>("costs", { period: range, tariff: name, meter }),
    ]);
    if (!configured.ok || !alternative.ok) {
      const failed = !configured.ok ? configured.error : !alternative.ok ? alternative.error : null;
      replaceChildren(comparison, failed === null ? null : errorBox(t, failed));
      return;
    }
    const a = configured.data;
    const b = alternative.data;
    const difference = b.netCost - a.netCost;
    replaceChildren(
      comparison,
      table(
        t("cost.comparison"),
        ["", t("cost.configured"), name],
        [
          [t("cost.importCost"), money(a.importCost, a.currency), money(b.importCost, b.currency)],
          [t("cost.exportCredit"), money(a.exportCredit, a.currency), money(b.exportCredit, b.currency)],
          [t("cost.standing"), money(a.standingCharges, a.currency), money(b.standingCharges, b.currency)],
          [t("cost.capacity"), money(a.capacityCost, a.currency), money(b.capacityCost, b.currency)],
          [t("cost.net"), money(a.netCost, a.currency), money(b.netCost, b.currency)],
        ],
      ),
      h(
        "p",
        { class: "lead" },
        difference < 0
          ? t("cost.cheaper", { tariff: name, amount: money(-difference, a.currency) })
          : t("cost.dearer", { tariff: name, amount: money(difference, a.currency) }),
      ),
    );
  };

  compareForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void compare();
  });

  replaceChildren(
    root,
    h("h1", {}, t("nav.cost")),
    totals,
    h(
      "div",
      { class: "controls" },
      select(
        t("cost.details"),
        CALENDAR_PERIODS.map((name) => [name, t(PERIOD_TEXT[name])] as const),
        period,
        (value) => {
          period = value;
          replaceChildren(comparison);
          void loadTotals();
        },
        "cost-period",
      ),
    ),
    card(t("cost.breakdown"), {}, details),
    card(
      t("cost.comparison"),
      {},
      h("p", { class: "muted" }, t("cost.compareHint")),
      compareForm,
      comparison,
    ),
  );
  void loadTotals();
  return () => {};
};
