// `lookback evidence add|list|remove|extract`: attach files as 佐证材料, list them, remove one
// (kept), write one out.
import path from "node:path";
import type { Context } from "../../context.js";
import { usageError } from "../../errors.js";
import { attachFiles, checkFiles, evidenceCaps } from "../../evidence/attach.js";
import { extractTarget, extractTo } from "../../evidence/extract.js";
import { EvidenceChanged } from "../../evidence/files.js";
import { evidenceJson, formatSize } from "../../evidence/format.js";
import { checkChecklist, resolveTarget, unitFor } from "../../evidence/target.js";
import { t } from "../../i18n/index.js";
import { checkName } from "../../run/fields.js";
import { EvidenceContentMismatch, type StoreReads } from "../../store/port.js";
import type { EvidenceFile } from "../../store/types.js";
import { localDateTime } from "../../util/dates.js";
import { type Column, renderTable, tableStyle } from "../../util/table.js";
import { paragraph } from "../../util/width.js";
import { dbLabel, withStore } from "../policies.js";
import type { AddOptions, ExtractOptions, ListOptions, RemoveOptions } from "./index.js";

function checkBy(by: string | undefined): string | null {
  if (by === undefined || by.trim() === "") return null;
  const c = checkName(by, "respondent");
  if (!c.ok) throw usageError("check.badOption", { option: "--by", message: c.message });
  return by.trim();
}

/** Where the files went, for a person: a rectification by its short id, or an item of a run. */
function placeText(f: EvidenceFile): string {
  return f.rectificationId
    ? t("evidence.place.rectification", { id: f.rectificationId.slice(0, 8), item: f.itemKey })
    : t("evidence.place.answer", { item: f.itemKey, checklist: f.checklistId });
}

export async function runAdd(
  target: string,
  files: string[],
  opts: AddOptions,
  ctx: Context,
): Promise<number> {
  const by = checkBy(opts.by);
  const caps = evidenceCaps(opts, ctx.env);
  // Every file checked (kind, size, no link) before the database is opened for writing.
  const prepared = checkFiles(files, ctx.cwd, caps);
  const result = await withStore(ctx, "update", (store) =>
    store.write(async (tx) => {
      const place = await resolveTarget(tx, target, { ...opts, db: dbLabel(ctx) });
      try {
        const attached = await attachFiles(tx, place.unit, place.target, prepared, by, caps);
        return { place, attached };
      } catch (e) {
        if (e instanceof EvidenceChanged) throw usageError("evidence.changed", { file: e.shown });
        if (e instanceof EvidenceContentMismatch) throw usageError("evidence.changed", { file: e.expected });
        throw e;
      }
    }),
  );
  const { place, attached } = result;
  if (opts.json) {
    ctx.stdout.write(
      `${JSON.stringify({ unit: place.unit.name, stored: attached.stored, files: attached.files.map(evidenceJson) }, null, 2)}\n`,
    );
    return 0;
  }
  const first = attached.files[0];
  const lines = [
    t("evidence.added", {
      count: attached.files.length,
      place: first ? placeText(first) : target,
      unit: place.unit.name,
    }),
    ...attached.files.map((f) => `  ${f.id.slice(0, 8)}  ${f.name}  (${formatSize(f.size)}, ${f.mediaType})`),
  ];
  const held = attached.files.length - attached.stored;
  if (held > 0) lines.push(ctx.out.dim(t("evidence.deduplicated", { count: held })));
  ctx.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

async function listed(store: StoreReads, target: string | undefined, opts: ListOptions, db: string) {
  if (target !== undefined) {
    const place = await resolveTarget(store, target, { ...opts, db });
    const filter =
      "answerId" in place.target
        ? { answerId: place.target.answerId }
        : { rectificationId: place.target.rectificationId };
    return store.listEvidence({ ...filter, includeRemoved: opts.removed === true });
  }
  const unitId = opts.unit !== undefined ? (await unitFor(store, opts.unit, db)).id : undefined;
  await checkChecklist(store, opts.checklist, unitId);
  const all = await store.listEvidence({
    ...(unitId ? { unitId } : {}),
    includeRemoved: opts.removed === true,
  });
  return opts.checklist === undefined ? all : all.filter((f) => f.checklistId === opts.checklist?.trim());
}

export async function runList(target: string | undefined, opts: ListOptions, ctx: Context): Promise<number> {
  const { files, units } = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const files = await listed(tx, target, opts, dbLabel(ctx));
      const units = new Map((await tx.listUnits()).map((u) => [u.id, u.name]));
      return { files, units };
    }),
  );
  if (opts.json) {
    const list = files.map((f) => ({ ...evidenceJson(f), unit: units.get(f.unitId) ?? null }));
    ctx.stdout.write(`${JSON.stringify({ count: files.length, files: list }, null, 2)}\n`);
    return 0;
  }
  if (files.length === 0) {
    ctx.stdout.write(`${paragraph(t("evidence.none", { db: dbLabel(ctx) }), ctx.width)}\n`);
    return 0;
  }
  const col = (k: string) => t(`evidence.col.${k}` as Parameters<typeof t>[0]);
  const columns: Column[] = [
    { header: col("id"), fixed: true, keep: 10 },
    { header: col("unit"), keep: 3, min: 8, cut: "middle", optional: true },
    { header: col("item"), keep: 6, min: 10, cut: "middle" },
    { header: col("rectification"), fixed: true, keep: 5, optional: true },
    { header: col("name"), keep: 9, min: 12, cut: "middle" },
    { header: col("size"), fixed: true, keep: 7 },
    { header: col("type"), keep: 2, min: 8, optional: true },
    { header: col("added"), keep: 4, min: 10, optional: true },
  ];
  const rows = files.map((f) => [
    f.id.slice(0, 8),
    units.get(f.unitId) ?? "",
    f.itemKey,
    f.rectificationId ? f.rectificationId.slice(0, 8) : "—",
    f.removedAt ? `${f.name} ${t("evidence.removedMark")}` : f.name,
    formatSize(f.size),
    f.mediaType,
    `${localDateTime(f.addedAt)}${f.addedBy ? ` ${f.addedBy}` : ""}`,
  ]);
  ctx.stdout.write(renderTable(columns, rows, tableStyle(ctx)));
  ctx.stdout.write(`\n${paragraph(t("evidence.summary", { count: files.length }), ctx.width)}\n`);
  return 0;
}

/** `lookback evidence` alone. */
export const runListAll = (opts: ListOptions, ctx: Context): Promise<number> => runList(undefined, opts, ctx);

async function findOne(store: StoreReads, input: string): Promise<EvidenceFile> {
  const needle = input.trim().toLowerCase();
  if (/^[0-9a-f]{64}$/.test(needle)) {
    // A content (sha256): the file attached with it (one not removed first).
    const files = await store.listEvidence({ hash: needle, includeRemoved: true });
    const file = files.find((f) => f.removedAt === null) ?? files[0];
    if (file) return file;
  } else if (/^[0-9a-f-]+$/.test(needle)) {
    const exact = await store.getEvidence(needle);
    if (exact) return exact;
    const found = await store.findEvidence(needle);
    if (found.length === 1) return found[0]!;
    if (found.length > 1)
      throw usageError(
        "evidence.id.ambiguous",
        { id: input, count: found.length },
        { details: found.map((f) => `${f.id}  ${f.name}`) },
      );
  }
  throw usageError("evidence.id.unknown", { id: input }, { hintKey: "evidence.id.unknown.hint" });
}

export async function runRemove(id: string, opts: RemoveOptions, ctx: Context): Promise<number> {
  const by = checkBy(opts.by);
  const file = await withStore(ctx, "update", (store) =>
    store.write(async (tx) => {
      const found = await findOne(tx, id);
      if (found.removedAt)
        throw usageError("evidence.alreadyRemoved", {
          id: found.id.slice(0, 8),
          name: found.name,
          at: localDateTime(found.removedAt),
        });
      return tx.removeEvidence(found.id, by, t("evidence.history.removed", { name: found.name }));
    }),
  );
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ file: evidenceJson(file) }, null, 2)}\n`);
    return 0;
  }
  ctx.stdout.write(
    `${t("evidence.removed", { id: file.id.slice(0, 8), name: file.name, place: placeText(file) })}\n`,
  );
  return 0;
}

export async function runExtract(id: string, opts: ExtractOptions, ctx: Context): Promise<number> {
  const { file, target } = await withStore(ctx, "read", (store) =>
    store.read(async (tx) => {
      const file = await findOne(tx, id);
      const target = extractTarget(file, opts.out, ctx.cwd);
      await extractTo(file, tx.evidenceContent(file.hash), target);
      return { file, target };
    }),
  );
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify({ path: target, sha256: file.hash, size: file.size }, null, 2)}\n`);
    return 0;
  }
  const shown = path.relative(ctx.cwd, target);
  const line = t("evidence.extracted", {
    path: shown === "" || shown.startsWith("..") ? target : shown,
    size: formatSize(file.size),
    hash: file.hash.slice(0, 12),
    id: file.id.slice(0, 8),
    place: placeText(file),
  });
  ctx.stdout.write(`${paragraph(line, ctx.width)}\n`);
  return 0;
}
