// Where the message catalogs come from. Here (dist/, tests): the two TypeScript modules.
// The bundle (scripts/bundle.mjs) swaps this module for one that reads lib/i18n/<lang>.json on
// first use: a run needs one language, and parsing JSON is far cheaper than compiling both
// catalogs as code on every start.
import { en, type MessageKey } from "./en.js";
import { zhCN } from "./zh-CN.js";

export type Catalog = Record<MessageKey, string>;

export function catalogFor(lang: "en" | "zh-CN"): Catalog {
  return lang === "en" ? en : zhCN;
}
