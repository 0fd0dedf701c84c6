import { describe, expect, it } from "vitest";
import { CATALOGS, LANGUAGES, pickLanguage, placeholders, translator } from "../../../web/panel/src/i18n.js";

describe("panel texts", () => {
  const reference = CATALOGS.en;
  const keys = Object.keys(reference).sort();

  for (const language of LANGUAGES) {
    it(`${language} has every key of the English catalogue and no other`, () => {
      expect(Object.keys(CATALOGS[language]).sort()).toEqual(keys);
    });

    it(`${language} keeps each message's placeholders and leaves none empty`, () => {
      for (const key of keys) {
        const message = CATALOGS[language][key as keyof typeof reference];
        expect(message.trim(), key).not.toBe("");
        expect(placeholders(message), key).toEqual(placeholders(reference[key as keyof typeof reference]));
      }
    });
  }

  it("German and French are translations, not copies of the English", () => {
    const copied = (language: "de" | "fr") =>
      keys.filter((key) => {
        const message = CATALOGS[language][key as keyof typeof reference];
        return message === reference[key as keyof typeof reference] && message.split(" ").length > 2;
      });
    expect(copied("de")).toEqual([]);
    expect(copied("fr")).toEqual([]);
  });

  it("picks the first language of the browser's list that the panel knows", () => {
    expect(pickLanguage(["de-AT", "en-US"])).toBe("de");
    expect(pickLanguage(["it-IT", "fr-CH", "de"])).toBe("fr");
    expect(pickLanguage(["FR"])).toBe("fr");
    expect(pickLanguage(["it", "nl"])).toBe("en");
    expect(pickLanguage([])).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    const t = translator("de");
    expect(t("error.http", { status: 503 })).toBe("Das Add-on hat mit Fehler 503 geantwortet.");
    expect(t("error.http")).toBe("Das Add-on hat mit Fehler {status} geantwortet.");
    expect(translator("fr")("nav.live")).toBe("En direct");
  });
});
