/** Building blocks shared by the pages: cards, errors in place, key–value lists, tables. */
import type { ApiErrorBody } from "./api-types.js";
import { type Child, h } from "./dom.js";
import type { Translate } from "./i18n.js";
import type { MessageKey } from "./messages/en.js";

/** Error codes of the contract that get a sentence of their own in the panel's language. */
const KNOWN_ERRORS: Readonly<Record<string, MessageKey>> = {
  network: "error.network",
  "bad-response": "error.badResponse",
  unauthorized: "error.unauthorized",
  forbidden: "error.forbidden",
  "too-many-requests": "error.tooManyRequests",
  unavailable: "error.unavailable",
  "no-data": "error.noData",
  "no-tariff": "error.noTariff",
  "no-forecast": "error.noForecast",
};

/** The error in plain words: ours for known codes, the server's sentence as the detail. */
export function errorBox(t: Translate, error: ApiErrorBody): HTMLElement {
  const known = KNOWN_ERRORS[error.code];
  const status = /^http-(\d+)$/.exec(error.code)?.[1];
  const headline =
    known !== undefined
      ? t(known)
      : status !== undefined
        ? t("error.http", { status })
        : error.message !== ""
          ? error.message
          : t("error.unknown");
  const detail =
    known !== undefined && error.message !== "" && error.message !== headline ? error.message : null;
  return h(
    "div",
    { class: "notice notice-error", role: "alert", "data-testid": "api-error", "data-code": error.code },
    h("strong", {}, headline),
    detail === null ? null : h("p", {}, detail),
  );
}

export function card(
  title: string | null,
  attributes: Readonly<Record<string, string>>,
  ...children: Child[]
) {
  return h(
    "section",
    { class: "card", ...attributes },
    title === null ? null : h("h2", {}, title),
    ...children,
  );
}

export function loading(t: Translate): HTMLElement {
  return h("p", { class: "muted", role: "status" }, t("common.loading"));
}

export function notice(level: "info" | "warn", text: string): HTMLElement {
  return h("p", { class: `notice notice-${level}`, role: "status" }, text);
}

/** A definition list of label → value rows (values already formatted). */
export function facts(rows: readonly (readonly [string, Child, string?])[]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    rows.flatMap(([label, value, testId]) => [h("dt", {}, label), h("dd", { "data-testid": testId }, value)]),
  );
}

export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
  testId?: string,
): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { "data-testid": testId },
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((header) => h("th", { scope: "col" }, header)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((cell) => h("td", {}, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A labelled <select>; `onChange` gets the chosen value. */
export function select<T extends string>(
  label: string,
  options: readonly (readonly [T, string])[],
  value: T,
  onChange: (value: T) => void,
  testId?: string,
): HTMLElement {
  const control = h(
    "select",
    { "data-testid": testId },
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text),
    ),
  );
  control.addEventListener("change", () => onChange(control.value as T));
  return h("label", { class: "field" }, h("span", {}, label), control);
}
