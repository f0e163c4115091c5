// The evidence of a school's file, checked with the rest before anything is merged: every
// attachment names a content of the file, of its own size, and exactly one answer or
// rectification of its own unit. The bytes themselves are checked as they are merged (each
// content re-hashed while it is copied): a content that does not match its hash is refused
// alone, with the attachments that name it.
import type { Db } from "../store/db.js";
import {
  ANSWERS,
  EVIDENCE_CONTENTS,
  EVIDENCE_FILES,
  RECTIFICATIONS,
  RUNS,
  type ValueProblem,
} from "./spec.js";

type Row = Record<string, unknown>;
type Fail = (refusal: {
  table: string;
  row?: number;
  id?: string;
  column?: string;
  problem: ValueProblem;
}) => never;

export function checkEvidence(rows: Record<string, Row[]>, fail: Fail): void {
  const contents = new Map((rows[EVIDENCE_CONTENTS.table] ?? []).map((c) => [c.hash as string, c]));
  const files = rows[EVIDENCE_FILES.table] ?? [];
  if (files.length === 0) return;
  const runs = new Map(rows[RUNS.table]!.map((r) => [r.id as string, r]));
  const answers = new Map(rows[ANSWERS.table]!.map((a) => [a.id as string, a]));
  const rects = new Map(rows[RECTIFICATIONS.table]!.map((x) => [x.id as string, x]));
  const ref = (table: string) => ({ key: "ref", params: { table } });
  for (const [i, f] of files.entries()) {
    const at = { table: EVIDENCE_FILES.table, row: i + 1, id: f.id as string };
    const content = contents.get(f.hash as string);
    if (!content) fail({ ...at, column: "hash", problem: ref(EVIDENCE_CONTENTS.table) });
    if (content.size !== f.size) fail({ ...at, column: "size", problem: { key: "evidenceSize" } });
    if ((f.answer_id === null) === (f.rectification_id === null))
      fail({ ...at, column: "answer_id", problem: { key: "evidenceTarget" } });
    let unit: unknown;
    if (f.answer_id !== null) {
      const a = answers.get(f.answer_id as string);
      if (!a) fail({ ...at, column: "answer_id", problem: ref(ANSWERS.table) });
      unit = runs.get(a.run_id as string)?.unit_id;
    } else {
      const x = rects.get(f.rectification_id as string);
      if (!x) fail({ ...at, column: "rectification_id", problem: ref(RECTIFICATIONS.table) });
      unit = x.unit_id;
    }
    if (unit !== f.unit_id) fail({ ...at, column: "unit_id", problem: { key: "unitOfRun" } });
  }
}

/** A content's pieces in the school's file, in order, one at a time (a piece that is not bytes ends it). */
export function* piecesOf(src: Db, hash: string): Generator<Buffer> {
  const stmt = src.prepare("SELECT data FROM evidence_chunks WHERE hash = ? ORDER BY seq").pluck();
  for (const data of stmt.iterate(hash) as Iterable<unknown>) {
    if (!Buffer.isBuffer(data)) return;
    yield data;
  }
}
