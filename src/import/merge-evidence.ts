// The evidence of a school's file, merged after its answers and rectifications: an attachment is
// added once (by id) and afterwards only ever marked removed (a removal at either end wins); a
// content is copied from the file piece by piece, re-hashed as it goes, unless this database
// holds it already (from this school or another: the same photo is kept once). A content that
// does not hash to its name is rolled back alone, and every attachment naming it reported, while
// the rest of the file is still imported.
import type { Dialect, DriverTx, SqlValue, Violation } from "../store/driver.js";
import { EvidenceContentMismatch } from "../store/port.js";
import { putEvidenceContent } from "../store/sql/evidence.js";
import { EVIDENCE_CONTENTS, EVIDENCE_FILES } from "./spec.js";
import { selectIn } from "./target.js";
import type { Counts, ImportWarning } from "./types.js";
import type { Row, SourceData } from "./validate.js";

export interface EvidenceMergeState {
  tx: DriverTx;
  dialect: Dialect;
  violation(e: unknown): Violation | undefined;
  /** Sender's answer id → this database's (the same run and item). */
  answerIds: ReadonlyMap<string, string>;
  /** Sender's rectification id → this database's. */
  rectIds: ReadonlyMap<string, string>;
  counts: Counts;
  warnings: ImportWarning[];
}

const s = (v: unknown) => v as string;

/** Where each attachment goes here: its answer's or rectification's id and unit, when that is here. */
async function placesHere(st: EvidenceMergeState, files: readonly Row[]) {
  const answerIds = files.flatMap((f) =>
    f.answer_id === null ? [] : [st.answerIds.get(s(f.answer_id)) ?? s(f.answer_id)],
  );
  const rectIds = files.flatMap((f) =>
    f.rectification_id === null ? [] : [st.rectIds.get(s(f.rectification_id)) ?? s(f.rectification_id)],
  );
  const answers = await selectIn(
    st.tx,
    st.dialect,
    answerIds,
    (p) =>
      `SELECT a.id AS id, runs.unit_id AS unit_id, a.item_key AS item_key FROM answers a JOIN runs ON runs.id = a.run_id WHERE a.id IN (${p})`,
  );
  const rects = await selectIn(
    st.tx,
    st.dialect,
    rectIds,
    (p) => `SELECT id, unit_id, item_key FROM rectifications WHERE id IN (${p})`,
  );
  const byId = new Map(
    [...answers, ...rects].map((r) => [s(r.id), { unit: s(r.unit_id), item: s(r.item_key) }]),
  );
  return (f: Row) => {
    const answer = f.answer_id === null ? null : (st.answerIds.get(s(f.answer_id)) ?? s(f.answer_id));
    const rect =
      f.rectification_id === null ? null : (st.rectIds.get(s(f.rectification_id)) ?? s(f.rectification_id));
    const here = byId.get(answer ?? rect ?? "");
    return here ? { answer, rect, ...here } : undefined;
  };
}

/** Copy each content the attachments need from the file; the hashes refused (not matching). */
async function copyContents(
  st: EvidenceMergeState,
  data: SourceData,
  hashes: Set<string>,
): Promise<Set<string>> {
  const present = new Set(
    (
      await selectIn(
        st.tx,
        st.dialect,
        hashes,
        (p) => `SELECT hash FROM evidence_contents WHERE hash IN (${p})`,
      )
    ).map((r) => s(r.hash)),
  );
  const sizes = new Map((data.rows[EVIDENCE_CONTENTS.table] ?? []).map((c) => [s(c.hash), Number(c.size)]));
  const refused = new Set<string>();
  for (const hash of hashes) {
    if (present.has(hash)) continue;
    const pieces = data.evidencePieces?.(hash) ?? [];
    try {
      await st.tx.savepoint((sp) =>
        putEvidenceContent(
          { tx: sp, dialect: st.dialect, violation: st.violation },
          { hash, size: sizes.get(hash) ?? 0, chunks: pieces },
        ),
      );
    } catch (e) {
      if (!(e instanceof EvidenceContentMismatch)) throw e;
      refused.add(hash);
    }
  }
  return refused;
}

export async function mergeEvidence(st: EvidenceMergeState, data: SourceData): Promise<void> {
  const files = data.rows[EVIDENCE_FILES.table] ?? [];
  if (files.length === 0) return;
  const placeOf = await placesHere(st, files);
  const here = new Map(
    (
      await selectIn(
        st.tx,
        st.dialect,
        files.map((f) => s(f.id)),
        (p) => `SELECT id, removed_at FROM evidence_files WHERE id IN (${p})`,
      )
    ).map((r) => [s(r.id), r]),
  );
  const fresh: { f: Row; place: NonNullable<ReturnType<typeof placeOf>> }[] = [];
  const removals: Row[] = [];
  for (const f of files) {
    const mine = here.get(s(f.id));
    if (mine) {
      if (mine.removed_at === null && f.removed_at !== null) removals.push(f);
      else st.counts.unchanged++;
      continue;
    }
    const place = placeOf(f);
    // Its answer or rectification did not come (a unit left out, a problem no longer standing).
    if (!place) st.counts.unchanged++;
    else fresh.push({ f, place });
  }
  const refused = await copyContents(st, data, new Set(fresh.map(({ f }) => s(f.hash))));
  const rows: SqlValue[][] = [];
  for (const { f, place } of fresh) {
    if (refused.has(s(f.hash))) {
      st.warnings.push({ kind: "evidence-refused", name: s(f.name), sha256: s(f.hash), item: place.item });
      continue;
    }
    rows.push([
      s(f.id),
      place.unit,
      place.answer,
      place.rect,
      s(f.hash),
      s(f.name),
      Number(f.size),
      s(f.media_type),
      s(f.added_at),
      f.added_by as string | null,
      f.removed_at as string | null,
      f.removed_by as string | null,
    ]);
  }
  const perRow = 12;
  for (let i = 0; i < rows.length; i += Math.max(1, Math.floor(st.dialect.maxParams / perRow))) {
    const part = rows.slice(i, i + Math.max(1, Math.floor(st.dialect.maxParams / perRow)));
    await st.tx.run(
      `INSERT INTO evidence_files (id, unit_id, answer_id, rectification_id, hash, name, size, media_type,
         added_at, added_by, removed_at, removed_by, rev)
       VALUES ${part.map(() => `(${Array(perRow).fill("?").join(", ")}, 1)`).join(", ")}`,
      part.flat(),
    );
  }
  st.counts.added += rows.length;
  for (const f of removals) {
    await st.tx.run(
      "UPDATE evidence_files SET removed_at = ?, removed_by = ?, rev = rev + 1 WHERE id = ? AND removed_at IS NULL",
      [s(f.removed_at), f.removed_by as string | null, s(f.id)],
    );
  }
  st.counts.updated += removals.length;
}
