// 跟踪问效: a rectification's history, only ever appended. Its order is the order entries were
// written here (seq, from the engine: see Dialect.nextHistorySeq), never a clock's, so that an
// imported entry stamped a year ahead by a school's wrong clock does not jump the follow-up.
import type { HistoryEntry } from "../types.js";
import type { Sql } from "./context.js";
import { newId, toHistory } from "./rows.js";

/** An entry to append: its id is made here. */
export type NewHistory = Omit<HistoryEntry, "id">;

export async function appendHistory(q: Sql, h: NewHistory): Promise<void> {
  await q.tx.run(
    `INSERT INTO rectification_history (id, rectification_id, at, by, from_status, to_status, note, seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ${q.dialect.nextHistorySeq})`,
    [newId(), h.rectificationId, h.at, h.by, h.fromStatus, h.toStatus, h.note],
  );
}

export async function listHistory(q: Sql, rectificationId: string): Promise<HistoryEntry[]> {
  const rows = await q.tx.all(
    `SELECT * FROM rectification_history WHERE rectification_id = ? ORDER BY seq, ${q.dialect.rowOrder}`,
    [rectificationId],
  );
  return rows.map(toHistory);
}
