/**
 * Texts in English, German and French, like the add-on's translations/ folder. The first language of
 * the browser's list that the panel knows wins; a switch in the header overrides it.
 */
import { de } from "./messages/de.js";
import { type MessageKey, type Messages, en } from "./messages/en.js";
import { fr } from "./messages/fr.js";

export const LANGUAGES = ["en", "de", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGS: Readonly<Record<Language, Messages>> = { en, de, fr };

type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

function isLanguage(code: string): code is Language {
  return (LANGUAGES as readonly string[]).includes(code);
}

/** ["de-AT", "en-US"] → "de"; nothing known → "en". */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split("-", 1)[0] ?? "";
    if (isLanguage(primary)) return primary;
  }
  return "en";
}

/** "{name}" placeholders in a message. */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "").sort();
}

export function translator(language: Language): Translate {
  const catalog = CATALOGS[language];
  return (key, params = {}) =>
    catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
}
