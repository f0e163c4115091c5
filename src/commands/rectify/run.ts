// `lookback rectify [walk|list|show|update]`: follow every rectification to its end (跟踪问效).

import type { Context } from "../../context.js";
import { usageError, userError } from "../../errors.js";
import { localized, type MessageKey, t } from "../../i18n/index.js";
import type { Ask } from "../../interactive/ask/types.js";
import { walkQueue, walkRectifications } from "../../interactive/rectify-walk.js";
import { kindText, lateText, orDash, originText, statusText } from "../../rectify/format.js";
import { lookupRectification, uniquePrefixes } from "../../rectify/ids.js";
import {
  iterateRectificationViews,
  type ListFilter,
  listRectificationViews,
  type RectificationView,
  toViews,
  viewJson,
} from "../../rectify/query.js";
import { ALL_STATUSES, parseStatus } from "../../rectify/status.js";
import { describeRefusal, statusLabel, updateRectification } from "../../rectify/update.js";
import { parseLedgerView } from "../../rectify/view-options.js";
import { checkName, checkText } from "../../run/fields.js";
import { SnapshotReader } from "../../run/snapshot-items.js";
import type { StoreReads } from "../../store/port.js";
import type { HistoryEntry, RectificationStatus, Run } from "../../store/types.js";
import { localDateTime, localToday } from "../../util/dates.js";
import { type Cell, type Column, renderFields, renderTable, tableStyle } from "../../util/table.js";
import { paragraph } from "../../util/width.js";
import {
  dbLabel,
  JsonLater,
  JsonList,
  openFor,
  requireRunChecklist,
  requireUnit,
  withStore,
  writeJsonDocument,
} from "../policies.js";
import type { ListOptions, ShowOptions, UpdateOptions, WalkOptions } from "./index.js";

function parseStatuses(raw: string): RectificationStatus[] {
  return raw
    .split(/[,，、]/)
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const status = parseStatus(s);
      if (!status) throw badStatus(s);
      return status;
    });
}

const badStatus = (value: string) =>
  usageError("rectify.badStatus", { value }, { hintKey: "rectify.badStatus.hint" });

async function unitFilter(
  store: StoreReads,
  name: string | undefined,
  db: string,
): Promise<string | undefined> {
  return name === undefined ? undefined : (await requireUnit(store, name, db)).id;
}

/** The id as typed → the rectification, or exit 2 naming the candidates. */
async function resolveId(store: StoreReads, input: string) {
  const found = await lookupRectification(store, input);
  if (found.kind === "found") return found.rectification;
  if (found.kind === "unknown")
    throw usageError("rectify.id.unknown", { id: input }, { hintKey: "rectify.id.unknown.hint" });
  const prefixes = uniquePrefixes(
    found.candidates.map((c) => c.id),
    Math.max(8, input.trim().length + 1),
  );
  const views = await toViews(store, found.candidates, localToday());
  const details = views.map((v) =>
    [prefixes.get(v.id) ?? v.id, v.unit.name, v.itemKey, v.problem].join("  "),
  );
  throw usageError(
    "rectify.id.ambiguous",
    { id: input, count: found.candidates.length },
    { hintKey: "rectify.id.ambiguous.hint", details },
  );
}

// ── list ────────────────────────────────────────────────────────────────────────────────────

async function parseFilter(store: StoreReads, opts: ListOptions, db: string): Promise<ListFilter> {
  const filter: ListFilter = parseLedgerView(opts);
  const unitId = await unitFilter(store, opts.unit, db);
  if (unitId) filter.unitId = unitId;
  if (opts.checklist !== undefined) {
    filter.checklistId = opts.checklist.trim();
    await requireRunChecklist(store, filter.checklistId, filter.unitId);
  }
  if (opts.status !== undefined) filter.statuses = parseStatuses(opts.status);
  if (opts.overdue) filter.overdue = true;
  if (opts.owner !== undefined) filter.owner = opts.owner;
  if (opts.dueWithin !== undefined) {
    const v = opts.dueWithin.trim();
    if (!/^\d{1,4}$/.test(v))
      throw usageError("rectify.badDays", { value: opts.dueWithin }, { hintKey: "rectify.badDays.hint" });
    filter.dueWithin = Number(v);
  }
  return filter;
}

/** Table of rectifications, late ones in red; what does not fit the terminal is cut, the least useful first. */
export function renderList(views: readonly RectificationView[], ctx: Context): string {
  const c = ctx.out;
  const col = (k: string) => t(`rectify.col.${k}` as MessageKey);
  // A unit's own list names one unit on every row: that column is then the first to go.
  const oneUnit = views.every((v) => v.unit.id === views[0]?.unit.id);
  const columns: Column[] = [
    { header: col("id"), fixed: true, keep: 10 },
    { header: col("unit"), keep: oneUnit ? 1 : 4, min: 10, cut: "middle", optional: oneUnit },
    { header: col("item"), keep: 2, min: 10, cut: "middle", optional: true },
    { header: col("problem"), keep: 6, min: 16 },
    { header: col("owner"), keep: 5, min: 6 },
    { header: col("deadline"), fixed: true, keep: 7 },
    { header: col("status"), fixed: true, keep: 9 },
    { header: col("late"), fixed: true, keep: 8 },
  ];
  const rows: Cell[][] = views.map((v) => [
    v.shortId,
    v.unit.name,
    v.itemKey,
    v.problem.replace(/\s+/g, " "),
    v.owner,
    v.deadline ?? "—",
    v.status === "closed" ? { text: statusText(v.status), style: c.green } : statusText(v.status),
    v.overdue ? { text: lateText(v.daysOverdue), style: c.red } : "",
  ]);
  return renderTable(columns, rows, tableStyle(ctx));
}

function summaryLine(views: readonly RectificationView[]): string {
  const by = (s: RectificationStatus) => views.filter((v) => v.status === s).length;
  const parts = [
    t("rectify.summary.overdue", { count: views.filter((v) => v.overdue).length }),
    ...ALL_STATUSES.filter((s) => by(s) > 0).map((s) => `${statusText(s)} ${by(s)}`),
  ];
  return t("rectify.summary", { count: views.length, parts: parts.join(" · ") });
}

export async function runList(opts: ListOptions, ctx: Context): Promise<number> {
  const today = localToday();
  const views = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const filter = await parseFilter(tx, opts, store.location);
      if (!opts.json) return listRectificationViews(tx, filter, today);
      // --json is written as the rows are read, inside the one read transaction (a province's
      // list is never held): the count follows the list.
      let count = 0;
      const rectifications = new JsonList(
        (async function* () {
          for await (const v of iterateRectificationViews(tx, filter, today)) {
            count++;
            yield viewJson(v);
          }
        })(),
      );
      await writeJsonDocument(ctx, { today, rectifications, count: new JsonLater(() => count) });
      return null;
    }),
  );
  if (views === null) return 0;
  if (views.length === 0) {
    ctx.stdout.write(`${paragraph(t("rectify.none", { db: dbLabel(ctx) }), ctx.width)}\n`);
    return 0;
  }
  ctx.stdout.write(renderList(views, ctx));
  const hint = paragraph(t("rectify.list.hint", { id: views[0]?.shortId ?? "" }), ctx.width, 0, ctx.out.dim);
  ctx.stdout.write(`\n${paragraph(summaryLine(views), ctx.width)}\n${hint}\n`);
  return 0;
}

// ── show ────────────────────────────────────────────────────────────────────────────────────

const historyJson = (h: HistoryEntry) => ({
  at: h.at,
  by: h.by,
  from: h.fromStatus,
  to: h.toStatus,
  note: h.note,
});

export async function runShow(id: string, opts: ShowOptions, ctx: Context): Promise<number> {
  const today = localToday();
  const { view, history, item, run } = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const rect = await resolveId(tx, id);
      const [view] = await toViews(tx, [rect], today);
      const run = await tx.getRun(rect.runId);
      const item = run ? await new SnapshotReader(tx).item(run, rect.itemKey) : undefined;
      return { view: view!, history: await tx.listHistory(rect.id), item, run };
    }),
  );
  if (opts.json) {
    const rectification = {
      ...viewJson(view),
      checklistVersion: run?.checklistVersion ?? null,
      section: item ? { id: item.sectionId, title: item.sectionTitle, titleEn: item.sectionTitleEn } : null,
      itemText: item?.text ?? null,
      itemTextEn: item?.textEn ?? null,
    };
    ctx.stdout.write(
      `${JSON.stringify({ today, rectification, history: history.map(historyJson) }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [
    ctx.out.bold(t("rectify.show.title", { id: view.shortId, full: view.id })),
    ...renderFields(
      showFields(view, item, run, ctx).map(([k, value]) => [t(k), value] as const),
      { width: ctx.width, indent: 2 },
    ),
    "",
    ctx.out.bold(t("rectify.show.history")),
  ];
  ctx.stdout.write(`${lines.join("\n")}\n${historyTable(history, ctx)}`);
  return 0;
}

/** Every field of a rectification, labelled, with the item it came from (as `rectify show` lists them). */
function showFields(
  view: RectificationView,
  item: Awaited<ReturnType<SnapshotReader["item"]>>,
  run: Run | undefined,
  ctx: Context,
): [MessageKey, string][] {
  const deadline = view.deadline
    ? `${view.deadline}${view.overdue ? `  ${ctx.out.red(lateText(view.daysOverdue))}` : ""}`
    : "—";
  return [
    ["rectify.field.unit", view.unit.code ? `${view.unit.name} (${view.unit.code})` : view.unit.name],
    ["rectify.field.checklist", run ? `${run.checklistId} ${run.checklistVersion}` : "—"],
    ["rectify.field.itemKey", view.itemKey],
    ["rectify.field.section", item ? localized(item.sectionTitle, item.sectionTitleEn ?? undefined) : "—"],
    ["rectify.field.item", item ? localized(item.text, item.textEn ?? undefined) : "—"],
    ["rectify.field.problem", view.problem],
    ["rectify.field.measure", view.measure],
    ["rectify.field.kind", kindText(view.kind)],
    ["rectify.field.origin", originText(view.origin)],
    ["rectify.field.owner", view.owner],
    ["rectify.field.leaderInCharge", orDash(view.leaderInCharge)],
    ["rectify.field.department", orDash(view.department)],
    ["rectify.field.deadline", deadline],
    ["rectify.field.status", statusLabel(view.status)],
    ["rectify.field.progress", orDash(view.progress)],
    ["rectify.field.evidence", orDash(view.evidence)],
    ["rectify.field.closedAt", orDash(view.closedAt)],
    ["rectify.field.closedBy", orDash(view.closedBy)],
    ["rectify.field.remark", orDash(view.remark)],
    ...(view.continuedBy
      ? ([["rectify.field.continuedBy", view.continuedBy.slice(0, 8)]] as [MessageKey, string][])
      : []),
    ["rectify.field.createdAt", localDateTime(view.createdAt)],
  ];
}

/** The status history (跟踪问效): when, who, from → to, and the note. */
function historyTable(history: readonly HistoryEntry[], ctx: Context): string {
  const columns: Column[] = [
    { header: t("rectify.history.at"), fixed: true, keep: 9 },
    { header: t("rectify.history.by"), keep: 6, min: 6 },
    { header: t("rectify.history.change"), keep: 8, min: 12 },
    { header: t("rectify.history.note"), keep: 5, min: 12 },
  ];
  const rows = history.map((h) => [
    localDateTime(h.at),
    orDash(h.by),
    h.fromStatus === null
      ? `→ ${statusText(h.toStatus)}`
      : `${statusText(h.fromStatus)} → ${statusText(h.toStatus)}`,
    orDash(h.note),
  ]);
  return renderTable(columns, rows, { width: ctx.width, indent: 2, header: ctx.out.dim });
}

// ── update ──────────────────────────────────────────────────────────────────────────────────

/** --by is a name and --note/--progress/--remark are texts, within the limits every record keeps. */
function checkUpdateTexts(opts: UpdateOptions): void {
  if (opts.by !== undefined && opts.by.trim() !== "") {
    const c = checkName(opts.by, "respondent");
    if (!c.ok) throw usageError("check.badOption", { option: "--by", message: c.message });
  }
  for (const [option, value, field] of [
    ["--note", opts.note, "note"],
    ["--progress", opts.progress, "note"],
    ["--remark", opts.remark, "note"],
  ] as const) {
    if (value === undefined) continue;
    const c = checkText(value, field, false);
    if (!c.ok) throw usageError("check.badOption", { option, message: c.message });
  }
}

export async function runUpdate(id: string, opts: UpdateOptions, ctx: Context): Promise<number> {
  const to = parseStatus(opts.status);
  if (!to) throw badStatus(opts.status);
  checkUpdateTexts(opts);
  const today = localToday();
  const result = await withStore(ctx, "update", async (store) => {
    const rect = await resolveId(store, id);
    const [view] = await toViews(store, [rect], today);
    const shortId = view?.shortId ?? rect.id;
    const outcome = await updateRectification(
      store,
      rect.id,
      {
        to,
        by: opts.by ?? null,
        note: opts.note ?? null,
        progress: opts.progress ?? null,
        remark: opts.remark ?? null,
      },
      today,
    );
    if (!outcome.ok) {
      const r = describeRefusal(outcome.refusal, shortId);
      throw userError(r.key, r.params, { hintKey: r.hintKey, exitCode: r.exitCode });
    }
    const [after] = await toViews(store, [outcome.after], today);
    return { outcome, after: after!, shortId };
  });
  const { outcome, after, shortId } = result;
  if (opts.json) {
    ctx.stdout.write(
      `${JSON.stringify({ rectification: viewJson(after), change: historyJson(outcome.entry) }, null, 2)}\n`,
    );
    return 0;
  }
  const c = ctx.out;
  const lines = [
    outcome.before.status === after.status
      ? t("rectify.recorded", { id: shortId, status: statusText(after.status) })
      : t("rectify.updated", {
          id: shortId,
          from: statusText(outcome.before.status),
          to: c.bold(statusText(after.status)),
        }),
  ];
  if (after.status === "closed")
    lines.push(t("rectify.closedOn", { date: after.closedAt ?? today, by: after.closedBy ?? "" }));
  if (outcome.before.status === "closed") lines.push(t("rectify.reopened"));
  if (after.overdue) lines.push(c.red(t("rectify.stillLate", { late: lateText(after.daysOverdue) })));
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

// ── walk (default) ──────────────────────────────────────────────────────────────────────────

function card(v: RectificationView, pos: { index: number; total: number }, ctx: Context): string {
  const c = ctx.out;
  const deadline = v.deadline
    ? `${v.deadline}${v.overdue ? `  ${c.red(lateText(v.daysOverdue))}` : ""}`
    : "—";
  const kv = (label: MessageKey, value: string) => t("rectify.kv", { label: t(label), value });
  return [
    "",
    c.bold(`[${pos.index}/${pos.total}] ${v.shortId} · ${v.unit.name} · ${v.itemKey}`),
    `  ${kv("rectify.field.problem", v.problem)}`,
    `  ${kv("rectify.field.measure", v.measure)}`,
    `  ${[kv("rectify.field.owner", v.owner), kv("rectify.field.deadline", deadline), kv("rectify.field.status", statusText(v.status))].join("   ")}`,
    ...(v.progress ? [`  ${kv("rectify.field.progress", v.progress)}`] : []),
  ].join("\n");
}

/** The prompts of a person at the terminal (process.stdout itself: prompts draw on a TTY); inquirer is loaded only here. */
async function terminalAsk(): Promise<Ask> {
  const { InquirerAsk } = await import("../../interactive/ask/inquirer.js");
  return new InquirerAsk({ output: process.stdout });
}

/** On a terminal: walk the items still to follow; elsewhere: the same items as a list, and how to update them. */
export async function runWalk(opts: WalkOptions, ctx: Context): Promise<number> {
  const today = localToday();
  const store = await openFor(ctx, "update");
  try {
    const filter: ListFilter = {};
    const unitId = await unitFilter(store, opts.unit, store.location);
    if (unitId) filter.unitId = unitId;
    const queue = walkQueue(await listRectificationViews(store, filter, today));
    if (queue.length === 0) {
      ctx.stdout.write(`${paragraph(t("rectify.walk.nothing", { db: dbLabel(ctx) }), ctx.width)}\n`);
      return 0;
    }
    if (!ctx.interactive) {
      ctx.stdout.write(renderList(queue, ctx));
      ctx.stdout.write(
        `\n${paragraph(summaryLine(queue), ctx.width)}\n${paragraph(t("rectify.walk.noTty"), ctx.width)}\n`,
      );
      return 0;
    }
    ctx.stdout.write(
      `${t("rectify.walk.intro", { count: queue.length, late: queue.filter((v) => v.overdue).length })}\n`,
    );
    try {
      const result = await walkRectifications(queue, {
        store,
        ask: await terminalAsk(),
        today,
        card: (v, pos) => card(v, pos, ctx),
      });
      ctx.stdout.write(`\n${t("rectify.walk.done", { changed: result.changed, skipped: result.skipped })}\n`);
      return 0;
    } catch (e) {
      // Ctrl-C at a prompt: every change already made is committed.
      if (e instanceof Error && e.name === "ExitPromptError") {
        ctx.stderr.write(`\n${t("rectify.walk.interrupted")}\n`);
        return 130;
      }
      throw e;
    }
  } finally {
    await store.close();
  }
}
