/**
 * The panel: a header with the page navigation (a menu on phones), the language, theme and meter
 * choices, and the current page below. Pages are hash routes (routes.ts); the live stream is shared.
 */
import { getJson } from "./api.js";
import type { ConfiguredMeter, MeterSummary, MetersResponse } from "./api-types.js";
import { h, replaceChildren } from "./dom.js";
import { LANGUAGES, type Language, pickLanguage, translator } from "./i18n.js";
import { LiveStream } from "./live-stream.js";
import type { MessageKey } from "./messages/en.js";
import type { Page } from "./page.js";
import { anomaliesPage } from "./pages/anomalies.js";
import { buildingPage } from "./pages/building.js";
import { costPage } from "./pages/cost.js";
import { diagnosticsPage } from "./pages/diagnostics.js";
import { forecastPage } from "./pages/forecast.js";
import { historyPage } from "./pages/history.js";
import { inspectorPage } from "./pages/inspector.js";
import { livePage } from "./pages/live.js";
import { setupPage } from "./pages/setup.js";
import { navigationRoutes, type Route, routeFromHash } from "./routes.js";
import {
  THEME_CHOICES,
  type ThemeChoice,
  effectiveTheme,
  storeThemeChoice,
  storedThemeChoice,
  watchSystemTheme,
} from "./theme.js";
import "./styles.css";

const PAGES: Readonly<Record<Route, Page>> = {
  live: livePage,
  history: historyPage,
  cost: costPage,
  building: buildingPage,
  anomalies: anomaliesPage,
  forecast: forecastPage,
  inspector: inspectorPage,
  setup: setupPage,
  diagnostics: diagnosticsPage,
};

const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: "English", de: "Deutsch", fr: "Français" };
const THEME_TEXT: Readonly<Record<ThemeChoice, MessageKey>> = {
  auto: "theme.auto",
  light: "theme.light",
  dark: "theme.dark",
};
const LANGUAGE_KEY = "e450.language";
const METER_KEY = "e450.meter";

const app = document.getElementById("app") as HTMLElement;
const stream = new LiveStream();
const stored = localStorage.getItem(LANGUAGE_KEY);
let language: Language = (LANGUAGES as readonly (string | null)[]).includes(stored)
  ? (stored as Language)
  : pickLanguage(navigator.languages);
let themeChoice = storedThemeChoice();
let meters: readonly MeterSummary[] = [];
/** The meters of the options: more than one makes a building. */
let configured: readonly ConfiguredMeter[] = [];
let meter: string | null = localStorage.getItem(METER_KEY);
let stopPage: () => void = () => {};

function applyTheme(): void {
  const theme = effectiveTheme(themeChoice);
  document.documentElement.dataset["theme"] = theme;
  app.dataset["theme"] = theme;
}

function labelled(label: string, control: HTMLSelectElement): HTMLElement {
  return h("label", { class: "header-field" }, h("span", { class: "visually-hidden" }, label), control);
}

function choice<T extends string>(
  options: readonly (readonly [T, string])[],
  value: T,
  testId: string,
  onChange: (value: T) => void,
) {
  const control = h(
    "select",
    { "data-testid": testId },
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text),
    ),
  );
  control.addEventListener("change", () => onChange(control.value as T));
  return control;
}

/** The configured name where the server says which meter it is, else the serial. */
function meterLabel(summary: MeterSummary): string {
  const name = configured.find((meter) => meter.id === summary.configured)?.name;
  return name ?? summary.serial ?? summary.key;
}

function href(route: Route): string {
  // An absolute URL of this very document: a pure fragment change, whatever <base href> says.
  return `${location.href.split("#", 1)[0]}#/${route}`;
}

/** Builds the header and navigation, then shows the route; again whenever language or meter change. */
function render(focusPage: boolean): void {
  stopPage();
  const t = translator(language);
  const route = routeFromHash(location.hash);
  document.documentElement.lang = language;
  document.title = `${t(`nav.${route}`)} · E450`;

  const nav = h(
    "nav",
    { id: "nav", "aria-label": t("nav.label") },
    h(
      "ul",
      {},
      navigationRoutes(configured.length).map((name) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: href(name),
              "data-testid": `nav-${name}`,
              "aria-current": name === route ? "page" : null,
            },
            t(`nav.${name}`),
          ),
        ),
      ),
    ),
  );
  const toggle = h(
    "button",
    {
      type: "button",
      class: "menu-toggle",
      "aria-expanded": "false",
      "aria-controls": "nav",
      "data-testid": "nav-toggle",
    },
    h("span", { "aria-hidden": "true" }, "☰"),
    h("span", { class: "visually-hidden" }, t("nav.menu")),
  );
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("open", open);
  });
  const meterSelect =
    meters.length > 1
      ? labelled(
          t("header.meter"),
          choice(
            meters.map((summary) => [summary.key, meterLabel(summary)] as const),
            meter ?? meters[0]?.key ?? "",
            "meter-select",
            (value) => {
              meter = value;
              localStorage.setItem(METER_KEY, value);
              render(false);
            },
          ),
        )
      : null;
  const main = h("main", { id: "main", tabindex: "-1" });
  replaceChildren(
    app,
    h(
      "header",
      { class: "toolbar" },
      toggle,
      h("span", { class: "toolbar-title" }, t("header.title")),
      meterSelect,
      labelled(
        t("header.language"),
        choice(
          LANGUAGES.map((code) => [code, LANGUAGE_NAMES[code]] as const),
          language,
          "language-select",
          (value) => {
            language = value;
            localStorage.setItem(LANGUAGE_KEY, value);
            render(false);
          },
        ),
      ),
      labelled(
        t("header.theme"),
        choice(
          THEME_CHOICES.map((value) => [value, t(THEME_TEXT[value])] as const),
          themeChoice,
          "theme-select",
          (value) => {
            themeChoice = value;
            storeThemeChoice(value);
            applyTheme();
            render(false);
          },
        ),
      ),
    ),
    h("div", { class: "layout" }, nav, main),
  );
  stopPage = PAGES[route](main, { t, language, meter: meters.length > 1 ? meter : null, stream });
  // After a navigation, screen readers and keyboards start at the new page's heading.
  const heading = main.querySelector("h1");
  if (focusPage && heading !== null) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

async function start(): Promise<void> {
  applyTheme();
  watchSystemTheme(() => {
    if (themeChoice !== "auto") return;
    applyTheme();
    render(false);
  });
  window.addEventListener("hashchange", () => render(true));
  stream.start();
  render(false);
  const result = await getJson<MetersResponse>("meters");
  if (!result.ok) return;
  configured = result.data.configured ?? [];
  if (result.data.meters.length > 1) {
    meters = result.data.meters;
    if (!meters.some((summary) => summary.key === meter)) meter = meters[0]?.key ?? null;
  }
  if (configured.length > 1 || meters.length > 1) render(false);
}

void start();
