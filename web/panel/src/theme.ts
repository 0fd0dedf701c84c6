/**
 * Light or dark. Home Assistant's ingress iframe does not pass the user's theme reliably, so the
 * system's `prefers-color-scheme` decides unless the user picks one here (kept in localStorage: a
 * preference, not a secret).
 */

export const THEME_CHOICES = ["auto", "light", "dark"] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const STORAGE_KEY = "e450.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";

export function storedThemeChoice(): ThemeChoice {
  const stored = localStorage.getItem(STORAGE_KEY);
  return (THEME_CHOICES as readonly (string | null)[]).includes(stored) ? (stored as ThemeChoice) : "auto";
}

export function storeThemeChoice(choice: ThemeChoice): void {
  if (choice === "auto") localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, choice);
}

export function effectiveTheme(choice: ThemeChoice): "light" | "dark" {
  if (choice !== "auto") return choice;
  return matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

/** Calls `onChange` when the system switches between light and dark. */
export function watchSystemTheme(onChange: () => void): void {
  matchMedia(DARK_QUERY).addEventListener("change", onChange);
}

/** A CSS custom property of the page's current theme (chart colours follow the theme). */
export function cssColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
