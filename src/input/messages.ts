// A refused read in words: what the file is, which limit it passed, what to do.
import { type MessageKey, t } from "../i18n/index.js";
import { megabytes } from "./limits.js";
import type { ReadRefusal } from "./read.js";

/** What kind of file was being read, for "over the 5 MB limit for a checklist". */
export type InputKind = "checklist" | "answers" | "template" | "roster" | "database";

export interface RefusalText {
  /** Stable code, as diagnostics and JSON output carry it. */
  code: "missing" | "not-regular-file" | "file-too-large" | "unreadable";
  message: string;
  hint?: string;
}

export function describeRead(
  refusal: ReadRefusal,
  file: string,
  what: InputKind,
  cwd = process.cwd(),
): RefusalText {
  switch (refusal.kind) {
    case "missing":
      return {
        code: "missing",
        message: t("error.pathMissing", { path: file }),
        hint: t("error.pathMissing.hint", { cwd }),
      };
    case "not-regular":
      return {
        code: "not-regular-file",
        message: t("input.notRegular", { file, kind: t(`input.kind.${refusal.fileKind}` as MessageKey) }),
        hint: t("input.notRegular.hint"),
      };
    case "too-large":
      return {
        code: "file-too-large",
        message: t("input.tooLarge", {
          file,
          limit: megabytes(refusal.limit),
          what: t(`input.what.${what}` as MessageKey),
        }),
        hint: t("input.tooLarge.hint"),
      };
    case "unreadable":
      return { code: "unreadable", message: t("input.unreadable", { file, message: refusal.message }) };
  }
}
