// The interactive follow-up (`lookback rectify` on a terminal): the items still to be
// followed, late ones first, one at a time. It talks through the shared prompt seam
// (src/ask: inquirer at a terminal, a script in tests) and knows nothing of the terminal.

import { t } from "../i18n/index.js";
import type { RectificationView } from "../rectify/query.js";
import { allowedMoves, statusKey } from "../rectify/status.js";
import { describeRefusal, updateRectification } from "../rectify/update.js";
import type { Store } from "../store/port.js";
import type { RectificationStatus } from "../store/types.js";
import type { Ask, Choice } from "./ask/types.js";

export interface WalkOptions {
  store: Store;
  ask: Ask;
  today: string;
  /** The item as the clerk sees it before choosing. */
  card: (v: RectificationView, position: { index: number; total: number }) => string;
}

export interface WalkResult {
  changed: number;
  skipped: number;
  /** True when the clerk chose to stop before the end. */
  stopped: boolean;
}

type Action = RectificationStatus | "progress" | "skip" | "quit";

/** The items a walk visits: everything not yet closed (done items wait for 销号). */
export function walkQueue(views: readonly RectificationView[]): RectificationView[] {
  return views.filter((v) => v.status !== "closed");
}

export async function walkRectifications(
  views: readonly RectificationView[],
  o: WalkOptions,
): Promise<WalkResult> {
  const result: WalkResult = { changed: 0, skipped: 0, stopped: false };
  const say = (text: string) => o.ask.say(text);
  const required = (v: string) => v.trim() !== "" || t("rectify.walk.required");
  const ask = (message: string, opts: { default?: string; required?: boolean } = {}) =>
    o.ask.input({
      message,
      ...(opts.default ? { default: opts.default } : {}),
      ...(opts.required ? { validate: required } : {}),
    });
  // The name typed last is offered again: one clerk usually works through the whole list.
  let lastBy = "";
  for (const [index, v] of views.entries()) {
    say(o.card(v, { index: index + 1, total: views.length }));
    const moves = allowedMoves(v.status);
    const choices: Choice<Action>[] = [
      ...moves.map((m) => ({
        value: m.to as Action,
        name: t(m.to === "closed" ? "rectify.walk.close" : "rectify.walk.moveTo", {
          status: t(statusKey(m.to)),
        }),
      })),
      { value: "progress", name: t("rectify.walk.progress") },
      { value: "skip", name: t("rectify.walk.skip") },
      { value: "quit", name: t("rectify.walk.quit") },
    ];
    const action = await o.ask.select<Action>({ message: t("rectify.walk.what"), choices });
    if (action === "quit") {
      result.stopped = true;
      result.skipped += views.length - index;
      break;
    }
    if (action === "skip") {
      result.skipped++;
      continue;
    }
    const to: RectificationStatus = action === "progress" ? v.status : action;
    const rule = moves.find((m) => m.to === to);
    let progress = "";
    if (action === "progress") progress = await ask(t("rectify.walk.askProgress"), { required: true });
    else if (to === "done")
      progress = await ask(t("rectify.walk.askProgressDone"), { default: v.progress ?? "" });
    const by = rule?.needsBy
      ? await ask(t("rectify.walk.askVerifier"), { default: lastBy, required: true })
      : await ask(t("rectify.walk.askBy"), { default: lastBy });
    const note = await ask(t(rule?.needsNote ? "rectify.walk.askNoteRequired" : "rectify.walk.askNote"), {
      required: rule?.needsNote ?? false,
    });
    if (by.trim() !== "") lastBy = by.trim();
    const outcome = await updateRectification(
      o.store,
      v.id,
      { to, by, note, progress, remark: null },
      o.today,
    );
    if (!outcome.ok) {
      const r = describeRefusal(outcome.refusal, v.shortId);
      say(`${t(r.key, r.params)}\n${t(r.hintKey, r.params)}`);
      result.skipped++;
      continue;
    }
    result.changed++;
    say(
      outcome.before.status === outcome.after.status
        ? t("rectify.walk.recorded", { id: v.shortId })
        : t("rectify.updated", {
            id: v.shortId,
            from: t(statusKey(outcome.before.status)),
            to: t(statusKey(outcome.after.status)),
          }),
    );
  }
  return result;
}
