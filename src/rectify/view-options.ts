// --open and --since, as `export` and `rectify list` read them: one parser, so that the same
// words select the same rectifications in both.
import { usageError } from "../errors.js";
import { parseDate } from "../util/dates.js";
import type { LedgerView } from "./counts.js";

export function parseLedgerView(opts: { open?: boolean; since?: string }): LedgerView {
  const view: LedgerView = {};
  if (opts.open) view.open = true;
  if (opts.since !== undefined) {
    const parsed = parseDate(opts.since);
    if (!parsed.ok)
      throw usageError("view.badSince", { value: opts.since }, { hintKey: "view.badSince.hint" });
    view.since = parsed.date;
  }
  return view;
}
