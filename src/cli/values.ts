// Option values checked as the command line is read, so that a bad one is a usage error of
// the option (named, with the choices and a did-you-mean), whatever command it belongs to.
import { InvalidArgumentError, Option } from "commander";
import { t } from "../i18n/index.js";
import { parseStatus } from "../rectify/status.js";

export const LANGS = ["zh", "zh-CN", "en"] as const;

/** Rectification statuses, as codes or the ledger's words; with `list`, several separated by commas. */
export function statusOption(flags: string, description: string, opts: { list: boolean }): Option {
  const check = (value: string) => {
    const parts = opts.list ? value.split(/[,，、]/).filter((s) => s.trim() !== "") : [value];
    if (parts.length === 0 || !parts.every((p) => parseStatus(p) !== undefined))
      throw new InvalidArgumentError(t("usage.reason.status"));
    return value;
  };
  // The choices are what did-you-mean picks from; the parser also takes aliases and lists.
  const choices = ["open", "in-progress", "done", "closed", "未整改", "整改中", "已完成", "已销号"];
  return new Option(flags, description).choices(choices).argParser(check);
}

/** A whole number of days, 0 to 9999. */
export function daysOption(flags: string, description: string): Option {
  return new Option(flags, description).argParser((value: string) => {
    if (!/^\d{1,4}$/.test(value.trim())) throw new InvalidArgumentError(t("usage.reason.days"));
    return value;
  });
}
