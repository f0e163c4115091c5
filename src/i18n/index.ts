// One message catalog per language (zh-CN, en). Every user-facing string goes through t().
import { catalogFor } from "./catalogs.js";
import type { MessageKey } from "./en.js";

export type Lang = "zh-CN" | "en";
export type { MessageKey };
export type Params = Record<string, string | number>;

let current: Lang = "en";

export function setLang(lang: Lang): void {
  current = lang;
}

/** Map any locale string (zh_CN.UTF-8, zh-TW, en_US, C) to a supported language. */
export function normalizeLang(value: string | undefined): Lang | undefined {
  if (!value) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "" || v === "c" || v === "posix") return undefined;
  if (v.startsWith("zh")) return "zh-CN";
  return "en";
}

/** --lang, else LOOKBACK_LANG, else the system locale (zh* → zh-CN, anything else → en). */
export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  const explicit = normalizeLang(flag) ?? normalizeLang(env.LOOKBACK_LANG);
  if (explicit) return explicit;
  for (const name of ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] as const) {
    const lang = normalizeLang(env[name]);
    if (lang) return lang;
  }
  return normalizeLang(Intl.DateTimeFormat().resolvedOptions().locale) ?? "en";
}

export function t(key: MessageKey, params: Params = {}, lang: Lang = current): string {
  const template = catalogFor(lang)[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Pick the language-specific variant of a checklist text (text / text_en). */
export function localized(zh: string, english: string | undefined, lang: Lang = current): string {
  return lang === "en" && english ? english : zh;
}
