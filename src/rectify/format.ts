// Words and small pieces of text shared by `rectify` and `compare` output (no terminal here:
// colours are applied by the commands).
import { type MessageKey, t } from "../i18n/index.js";
import type { RectificationKind, RectificationOrigin, RectificationStatus, Result } from "../store/types.js";
import { statusKey } from "./status.js";

export const statusText = (s: RectificationStatus): string => t(statusKey(s));
export const kindText = (k: RectificationKind): string => t(`rectify.kind.${k}` as MessageKey);
export const originText = (o: RectificationOrigin): string => t(`rectify.origin.${o}` as MessageKey);
export const resultText = (r: Result | null): string =>
  r === null ? t("compare.result.none") : t(`compare.result.${r}` as MessageKey);

/** "逾期 3 天" / "3 days late", or "" when not late. */
export function lateText(daysOverdue: number | null): string {
  return daysOverdue === null ? "" : t("rectify.late", { days: daysOverdue });
}

export const orDash = (s: string | null | undefined): string =>
  s === null || s === undefined || s === "" ? "—" : s;
