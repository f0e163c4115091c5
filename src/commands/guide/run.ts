// `lookback` with no command: a short guide instead of a usage dump — what to run first,
// where the answers are kept, which checklists are used. It opens nothing (no SQLite).
// Laid out for the width of the terminal: descriptions wrap under themselves.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Context } from "../../context.js";
import { type MessageKey, t } from "../../i18n/index.js";
import { renderFields } from "../../util/table.js";
import { displayWidth, wrap } from "../../util/width.js";
import { dbLabel } from "../policies.js";

function userChecklistsDir(ctx: Context): string | undefined {
  if (ctx.checklistsDir) return ctx.checklistsDir;
  const local = path.join(ctx.cwd, "checklists");
  return existsSync(local) && statSync(local).isDirectory() ? `.${path.sep}checklists` : undefined;
}

/** Term and description keys of the two lists of commands. */
const FIRST_STEPS: [MessageKey, MessageKey][] = [
  ["guide.step.list", "guide.step.list.what"],
  ["guide.step.check", "guide.step.check.what"],
  ["guide.step.export", "guide.step.export.what"],
];

export function guideText(ctx: Context): string {
  const then: [string, string][] = [
    ["lookback status", t("guide.then.status.what")],
    ["lookback rectify list --overdue", t("guide.then.overdue.what")],
    [t("guide.then.report"), t("guide.then.report.what")],
    [t("guide.then.init"), t("guide.then.init.what")],
    [t("guide.then.help"), t("guide.then.help.what")],
    ["lookback help", t("guide.then.topics.what")],
  ];
  const first = FIRST_STEPS.map(([term, what]) => [t(term), t(what)] as const);
  // One column for the descriptions of both lists.
  const labelWidth = Math.max(...[...first, ...then].map(([term]) => displayWidth(term)));
  const list = (rows: readonly (readonly [string, string])[]) =>
    renderFields(rows, { width: ctx.width, indent: 2, labelWidth });
  const dir = userChecklistsDir(ctx);
  // A server's state is known only by connecting: the guide stays offline.
  const dbState =
    ctx.dbEngine === "postgres" ? "" : existsSync(ctx.dbPath) ? t("guide.dbExists") : t("guide.dbMissing");
  const where = renderFields(
    [
      [t("guide.label.db"), dbState ? `${dbLabel(ctx)}\n${dbState}` : dbLabel(ctx)],
      [
        t("guide.label.checklists"),
        dir ? t("guide.checklists.user", { dir }) : t("guide.checklists.builtin"),
      ],
      [t("guide.label.lang"), t("guide.lang")],
    ],
    { width: ctx.width, gap: 1 },
  );
  const lines = [
    t("guide.title"),
    "",
    t("guide.first"),
    ...list(first),
    "",
    t("guide.then"),
    ...list(then),
    "",
    ...(ctx.interactive ? [] : [...wrap(t("guide.noTty"), ctx.width), ""]),
    ...where,
  ];
  return `${lines.join("\n")}\n`;
}

export async function run(_opts: unknown, ctx: Context): Promise<number> {
  ctx.stdout.write(guideText(ctx));
  return 0;
}
