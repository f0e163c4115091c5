// Answers and drafts in portable SQL. saveAnswer is one write: the answer, the rectification it
// opens, continues, drops or marks done, the history of that, and the draft it replaces.
import { opensRectification } from "../../checklist/schema.js";
import type { AnswerInput, SavedAnswer } from "../port.js";
import type { Answer, AnswerDraft, DraftPatch, Rectification, RectificationFields, Run } from "../types.js";
import { marks, type Sql } from "./context.js";
import { moveToAnswer } from "./evidence.js";
import { appendHistory } from "./history.js";
import {
  getRectification,
  insertRectification,
  openOfItem,
  ownOfRun,
  reviseFields,
  setStatus,
} from "./rectifications.js";
import {
  DRAFT_COLUMNS,
  newId,
  nowIso,
  type Row,
  SNAKE_FIELD,
  s,
  sn,
  toAnswer,
  toDraft,
  toRectification,
} from "./rows.js";
import { getRun } from "./runs.js";

export async function listAnswers(q: Sql, runId: string): Promise<Answer[]> {
  const rows = await q.tx.all(
    `SELECT * FROM answers WHERE run_id = ? ORDER BY answered_at, ${q.dialect.rowOrder}`,
    [runId],
  );
  return rows.map(toAnswer);
}

interface Outcome {
  rectification: Rectification | null;
  /** The rectification the answer points at. */
  linked: string | null;
  continued: boolean;
  markedDone: Rectification | null;
}

const rectificationOf = async (q: Sql, id: string): Promise<Rectification> => {
  const r = await getRectification(q, id);
  if (!r) throw new Error(`rectification ${id} not found`);
  return r;
};

export async function saveAnswer(q: Sql, runId: string, input: AnswerInput): Promise<SavedAnswer> {
  // Locked (PostgreSQL): two clerks answering the same run take turns.
  const run = await getRun(q, runId, true);
  if (!run) throw new Error(`run ${runId} not found`);
  // A finished run is the record handed in: its answers no longer change.
  if (run.status === "complete") throw new Error(`run ${runId} is complete; its answers cannot change`);
  const opens = opensRectification(input.result);
  // Never store a problem without its rectification: that is what the ledger is for.
  if (opens && !input.rectification) {
    throw new Error(`answer ${input.itemKey}: a ${input.result} answer needs its rectification`);
  }
  const at = nowIso();
  const prev = await q.tx.get(
    `SELECT * FROM answers WHERE run_id = ? AND item_key = ?${q.dialect.forUpdate}`,
    [runId, input.itemKey],
  );
  const own = await ownOfRun(q, runId, input.itemKey);
  const linkedBefore = sn(prev?.rectification_id);
  const outcome =
    opens && input.rectification
      ? await continueOrOpen(q, run, input, input.rectification, own, linkedBefore, at)
      : await settleRectification(q, run, input, own, linkedBefore, at);
  const answer: Answer = {
    id: prev ? s(prev.id) : newId(),
    runId,
    itemKey: input.itemKey,
    sectionId: input.sectionId,
    itemId: input.itemId,
    leader: input.leader,
    result: input.result,
    note: input.note,
    evidence: input.evidence,
    naReason: input.naReason,
    rectificationId: outcome.linked,
    method: input.method ?? null,
    answeredAt: prev ? s(prev.answered_at) : at,
    updatedAt: at,
  };
  await writeAnswer(q, answer, prev !== undefined);
  await q.tx.run("UPDATE runs SET updated_at = ? WHERE id = ?", [at, runId]);
  await q.tx.run("DELETE FROM answer_drafts WHERE run_id = ? AND item_key = ?", [runId, input.itemKey]);
  return {
    answer,
    rectification: outcome.rectification,
    continued: outcome.continued,
    markedDone: outcome.markedDone,
  };
}

async function writeAnswer(q: Sql, a: Answer, exists: boolean): Promise<void> {
  if (exists) {
    await q.tx.run(
      `UPDATE answers SET result = ?, note = ?, evidence = ?, na_reason = ?, rectification_id = ?, method = ?,
         updated_at = ?, rev = rev + 1
       WHERE id = ?`,
      [a.result, a.note, a.evidence, a.naReason, a.rectificationId, a.method, a.updatedAt, a.id],
    );
    return;
  }
  await q.tx.run(
    `INSERT INTO answers (id, run_id, item_key, section_id, item_id, leader, result, note, evidence, na_reason,
       rectification_id, method, answered_at, updated_at, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    [
      a.id,
      a.runId,
      a.itemKey,
      a.sectionId,
      a.itemId,
      a.leader,
      a.result,
      a.note,
      a.evidence,
      a.naReason,
      a.rectificationId,
      a.method,
      a.answeredAt,
      a.updatedAt,
    ],
  );
}

/**
 * partial/fail: the rectification this run opened for the item, else the unit's not-closed one
 * of any round (continued: its fields revised, a done one back to 整改中), else a new one.
 */
async function continueOrOpen(
  q: Sql,
  run: Run,
  input: AnswerInput,
  fields: RectificationFields,
  own: Row | undefined,
  linkedBefore: string | null,
  at: string,
): Promise<Outcome> {
  const current = own
    ? toRectification(own)
    : await openOfItem(q, run.unitId, run.checklistId, input.itemKey);
  if (!current) {
    const id = newId();
    const key = {
      id,
      runId: run.id,
      unitId: run.unitId,
      checklistId: run.checklistId,
      itemKey: input.itemKey,
    };
    await insertRectification(q, { ...fields, ...key }, at);
    await appendHistory(q, {
      rectificationId: id,
      at,
      by: run.respondent,
      fromStatus: null,
      toStatus: "open",
      note: null,
    });
    return { rectification: await rectificationOf(q, id), linked: id, continued: false, markedDone: null };
  }
  await reviseFields(q, current.id, fields, at);
  const continued = current.runId !== run.id;
  const note = input.continueNote ?? null;
  const by = run.respondent;
  if (continued && current.status === "done") {
    // Found again before it was verified: the work is not finished (整改中 again, with why).
    await setStatus(q, current.id, "in-progress", null, at);
    await appendHistory(q, {
      rectificationId: current.id,
      at,
      by,
      fromStatus: "done",
      toStatus: "in-progress",
      note,
    });
  } else if (continued && linkedBefore !== current.id) {
    // The first time this round sees it: the history says the problem is still there.
    const status = current.status;
    await appendHistory(q, {
      rectificationId: current.id,
      at,
      by,
      fromStatus: status,
      toStatus: status,
      note,
    });
  }
  return {
    rectification: await rectificationOf(q, current.id),
    linked: current.id,
    continued,
    markedDone: null,
  };
}

/**
 * pass/na: a rectification this run opened no longer stands (revised before the run ended);
 * one of an earlier round stays, and a pass may mark it done (已完成; 销号 needs a verifier).
 */
async function settleRectification(
  q: Sql,
  run: Run,
  input: AnswerInput,
  own: Row | undefined,
  linkedBefore: string | null,
  at: string,
): Promise<Outcome> {
  if (own) {
    await moveToAnswer(q, s(own.id), run.id, input.itemKey);
    await q.tx.run("DELETE FROM rectifications WHERE id = ?", [s(own.id)]);
  }
  const none = { rectification: null, continued: false };
  if (input.result !== "pass") return { ...none, linked: null, markedDone: null };
  // Nothing to mark done and nothing linked before: whatever is carried, the answer links none
  // (the common first pass of an item costs no lookup).
  if (!input.markDone && linkedBefore === null) return { ...none, linked: null, markedDone: null };
  const carried = await openOfItem(q, run.unitId, run.checklistId, input.itemKey);
  if (carried && input.markDone && (carried.status === "open" || carried.status === "in-progress")) {
    await setStatus(q, carried.id, "done", input.markDone.progress, at);
    await appendHistory(q, {
      rectificationId: carried.id,
      at,
      by: run.respondent,
      fromStatus: carried.status,
      toStatus: "done",
      note: input.markDone.note,
    });
    return { ...none, linked: carried.id, markedDone: await rectificationOf(q, carried.id) };
  }
  // Still pointing at the rectification it marked done earlier in this run.
  const keep = carried && linkedBefore === carried.id ? carried.id : null;
  return { ...none, linked: keep, markedDone: null };
}

/** A draft field's column value: markDone as yes/no, the cut-off field by its column name. */
function draftValue(field: keyof typeof DRAFT_COLUMNS, v: unknown): string | null {
  if (field === "markDone") return v === null ? null : v ? "yes" : "no";
  if (field === "partialField" && typeof v === "string") return SNAKE_FIELD[v] ?? v;
  return v as string | null;
}

export async function saveDraft(
  q: Sql,
  runId: string,
  itemKey: string,
  patch: DraftPatch,
): Promise<AnswerDraft> {
  const at = nowIso();
  const entries = (Object.entries(patch) as [keyof typeof DRAFT_COLUMNS, unknown][]).filter(
    ([, v]) => v !== undefined,
  );
  const cols = entries.map(([k]) => DRAFT_COLUMNS[k]);
  const values = entries.map(([k, v]) => draftValue(k, v));
  // A new result starts a new draft: what was typed for another result does not carry over.
  const prev = await q.tx.get(
    `SELECT result FROM answer_drafts WHERE run_id = ? AND item_key = ?${q.dialect.forUpdate}`,
    [runId, itemKey],
  );
  if (prev && prev.result !== patch.result) await deleteDraft(q, runId, itemKey);
  await q.tx.run(
    `INSERT INTO answer_drafts (run_id, item_key, ${cols.join(", ")}, updated_at)
     VALUES (?, ?, ${marks(cols.length)}, ?)
     ON CONFLICT (run_id, item_key) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(", ")},
       updated_at = excluded.updated_at`,
    [runId, itemKey, ...values, at],
  );
  const row = await q.tx.get("SELECT * FROM answer_drafts WHERE run_id = ? AND item_key = ?", [
    runId,
    itemKey,
  ]);
  if (!row) throw new Error(`draft ${runId}/${itemKey} was not kept`);
  return toDraft(row);
}

export async function listDrafts(q: Sql, runId: string): Promise<AnswerDraft[]> {
  const rows = await q.tx.all("SELECT * FROM answer_drafts WHERE run_id = ? ORDER BY updated_at, item_key", [
    runId,
  ]);
  return rows.map(toDraft);
}

export async function deleteDraft(q: Sql, runId: string, itemKey: string): Promise<void> {
  await q.tx.run("DELETE FROM answer_drafts WHERE run_id = ? AND item_key = ?", [runId, itemKey]);
}
