/** Setup assistant: what the line carries right now and, in plain words, what to do next. */
import { getJson } from "../api.js";
import type { SetupAdvice, SetupResponse } from "../api-types.js";
import { h, replaceChildren } from "../dom.js";
import { formatDateTime, formatNumber } from "../format.js";
import type { MessageKey } from "../messages/en.js";
import type { Page } from "../page.js";
import { card, errorBox, facts, loading } from "../ui.js";

const REFRESH_MS = 5000;

const LEVEL_TEXT: Readonly<Record<SetupAdvice["level"], MessageKey>> = {
  ok: "setup.levelOk",
  warn: "setup.levelWarn",
  error: "setup.levelError",
};

/** A symbol as well as a colour, so the level does not rest on colour alone (WCAG 1.4.1). */
const LEVEL_SYMBOL: Readonly<Record<SetupAdvice["level"], string>> = { ok: "✓", warn: "!", error: "✕" };

export const setupPage: Page = (root, { t, language, meter }) => {
  const body = h("div", { "data-testid": "setup" }, loading(t));
  replaceChildren(root, h("h1", {}, t("nav.setup")), h("p", { class: "muted" }, t("setup.intro")), body);

  const show = (setup: SetupResponse) => {
    const yesNo = (value: boolean | null) => (value === null ? "–" : t(value ? "common.yes" : "common.no"));
    replaceChildren(
      body,
      card(
        t("setup.advice"),
        {},
        h(
          "ul",
          { class: "advice", "data-testid": "setup-advice", "aria-live": "polite" },
          setup.advice.map((advice) =>
            h(
              "li",
              { class: `advice-item level-${advice.level}`, "data-code": advice.code },
              h("span", { class: "advice-symbol", "aria-hidden": "true" }, LEVEL_SYMBOL[advice.level]),
              h("span", { class: "visually-hidden" }, `${t(LEVEL_TEXT[advice.level])}: `),
              h("span", {}, advice.text),
            ),
          ),
        ),
      ),
      card(
        t("setup.line"),
        {},
        facts([
          [
            t("setup.bytesPerSecond"),
            formatNumber(language, setup.bytesPerSecond, 1),
            "setup-bytes-per-second",
          ],
          [t("setup.framing"), setup.framing ?? t("setup.notDetected"), "setup-framing"],
          [
            t("setup.serial"),
            setup.baudRate === null && setup.serialFormat === null
              ? t("setup.notDetected")
              : [setup.baudRate === null ? null : `${setup.baudRate} Bd`, setup.serialFormat]
                  .filter(Boolean)
                  .join(" "),
            "setup-serial",
          ],
          [t("setup.encrypted"), yesNo(setup.encrypted), "setup-encrypted"],
          [t("setup.systemTitle"), setup.systemTitle ?? "–", "setup-system-title"],
          [t("setup.manufacturer"), setup.manufacturer ?? "–", "setup-manufacturer"],
          [t("setup.layout"), setup.layout ?? t("setup.notDetected"), "setup-layout"],
          [t("setup.lastFrame"), formatDateTime(language, setup.lastFrameAt), "setup-last-frame"],
        ]),
      ),
    );
  };

  const load = async () => {
    const result = await getJson<SetupResponse>("setup", { meter });
    if (result.ok) show(result.data);
    else replaceChildren(body, errorBox(t, result.error));
  };
  void load();
  const timer = window.setInterval(() => void load(), REFRESH_MS);
  return () => window.clearInterval(timer);
};
