// 佐证材料 in portable SQL: contents kept once by sha256 in pieces (evidence_chunks, keyed by
// hash and piece number), and attachments (evidence_files) naming a content and the answer or
// rectification it proves. Pieces are written and read one at a time, so a file's size never
// decides how much memory a process takes.
import { createHash } from "node:crypto";
import { passed } from "../../util/let-go.js";
import {
  EVIDENCE_CHUNK_BYTES,
  type EvidenceContentInput,
  EvidenceContentMismatch,
  type EvidenceFilter,
  type NewEvidence,
} from "../port.js";
import type { EvidenceFile, RectificationStatus } from "../types.js";
import { chunks, marks, type Sql, whereEqual } from "./context.js";
import { appendHistory } from "./history.js";
import { newId, nowIso, type Row, s, sn } from "./rows.js";

/** The columns of a file with its run and item (from the answer, or the rectification). */
export const SELECT_FILES = `
  SELECT f.*, coalesce(a.run_id, r.run_id) AS run_id, coalesce(a.item_key, r.item_key) AS item_key,
         coalesce(ar.checklist_id, r.checklist_id) AS checklist_id
  FROM evidence_files f
  LEFT JOIN answers a ON a.id = f.answer_id
  LEFT JOIN runs ar ON ar.id = a.run_id
  LEFT JOIN rectifications r ON r.id = f.rectification_id`;

export function toEvidence(r: Row): EvidenceFile {
  return {
    id: s(r.id),
    unitId: s(r.unit_id),
    answerId: sn(r.answer_id),
    rectificationId: sn(r.rectification_id),
    runId: s(r.run_id),
    checklistId: s(r.checklist_id),
    itemKey: s(r.item_key),
    hash: s(r.hash),
    name: s(r.name),
    size: Number(r.size),
    mediaType: s(r.media_type),
    addedAt: s(r.added_at),
    addedBy: sn(r.added_by),
    removedAt: sn(r.removed_at),
    removedBy: sn(r.removed_by),
  };
}

export async function evidenceContentsPresent(q: Sql, hashes: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks([...new Set(hashes)], 1, q.dialect)) {
    const rows = await q.tx.all(
      `SELECT hash FROM evidence_contents WHERE hash IN (${marks(part.length)})`,
      part,
    );
    for (const r of rows) out.add(s(r.hash));
  }
  return out;
}

export async function listEvidence(q: Sql, filter: EvidenceFilter = {}): Promise<EvidenceFile[]> {
  const { where, params } = whereEqual(
    [
      ["f.unit_id", filter.unitId],
      ["coalesce(a.run_id, r.run_id)", filter.runId],
      ["f.answer_id", filter.answerId],
      ["f.rectification_id", filter.rectificationId],
      ["f.hash", filter.hash],
    ],
    [filter.includeRemoved !== true && "f.removed_at IS NULL"],
  );
  const rows = await q.tx.all(
    `${SELECT_FILES} ${where} ORDER BY f.added_at, f.${q.dialect.rowOrder}`,
    params,
  );
  return rows.map(toEvidence);
}

export async function getEvidence(q: Sql, id: string): Promise<EvidenceFile | undefined> {
  const r = await q.tx.get(`${SELECT_FILES} WHERE f.id = ?`, [id]);
  return r && toEvidence(r);
}

export async function findEvidence(q: Sql, prefix: string, limit = 20): Promise<EvidenceFile[]> {
  const from = prefix.trim().toLowerCase();
  // Ids are lower-case hex and dashes: the range of the prefix ends before the next such text.
  const rows = await q.tx.all(`${SELECT_FILES} WHERE f.id >= ? AND f.id < ? ORDER BY f.id LIMIT ?`, [
    from,
    `${from}\u{10ffff}`,
    limit,
  ]);
  return rows.map(toEvidence);
}

/** One piece of a content, or undefined past its last. */
export async function contentPiece(q: Sql, hash: string, seq: number): Promise<Buffer | undefined> {
  const r = await q.tx.smallCache(() =>
    q.tx.get("SELECT data FROM evidence_chunks WHERE hash = ? AND seq = ?", [hash, seq]),
  );
  return r ? asBuffer(r.data) : undefined;
}

const asBuffer = (v: unknown): Buffer =>
  Buffer.isBuffer(v)
    ? v
    : v instanceof Uint8Array
      ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
      : Buffer.alloc(0);

/**
 * Pieces of a content in order, each read by `piece` (in one transaction, or one each); each is
 * let go once the reader asks for the next.
 */
export async function* contentPieces(
  piece: (seq: number) => Promise<Buffer | undefined>,
): AsyncIterable<Buffer> {
  for (let seq = 0; ; seq++) {
    const data = await piece(seq);
    if (!data) return;
    yield data;
    passed(data.length);
  }
}

export async function unitEvidenceContents(q: Sql, unitId: string): Promise<Map<string, number>> {
  const rows = await q.tx.all(
    "SELECT DISTINCT hash, size FROM evidence_files WHERE unit_id = ? AND removed_at IS NULL",
    [unitId],
  );
  return new Map(rows.map((r) => [s(r.hash), Number(r.size)]));
}

export async function unitEvidenceBytes(
  q: Sql,
  unitId: string,
  more: readonly { hash: string; size: number }[] = [],
): Promise<number> {
  const sizes = await unitEvidenceContents(q, unitId);
  for (const m of more) sizes.set(m.hash, m.size);
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}

/** Pieces of at most EVIDENCE_CHUNK_BYTES, whatever size the caller's pieces are. */
async function* repiece(input: EvidenceContentInput["chunks"]): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of input) {
    let piece = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // The usual case: pieces of the right size already, passed on without a copy.
    if (pendingBytes === 0 && piece.length === EVIDENCE_CHUNK_BYTES) {
      yield piece;
      continue;
    }
    while (piece.length > 0) {
      const take = Math.min(piece.length, EVIDENCE_CHUNK_BYTES - pendingBytes);
      pending.push(piece.subarray(0, take));
      pendingBytes += take;
      piece = piece.subarray(take);
      if (pendingBytes === EVIDENCE_CHUNK_BYTES) {
        yield Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pending.length === 1) yield pending[0]!;
  else if (pending.length > 1) yield Buffer.concat(pending, pendingBytes);
}

export async function putEvidenceContent(q: Sql, input: EvidenceContentInput): Promise<boolean> {
  const here = await q.tx.get(`SELECT hash FROM evidence_contents WHERE hash = ?${q.dialect.forUpdate}`, [
    input.hash,
  ]);
  if (here) return false;
  await q.tx.run("INSERT INTO evidence_contents (hash, size, chunks, created_at) VALUES (?, ?, 0, ?)", [
    input.hash,
    input.size,
    nowIso(),
  ]);
  const seq = await q.tx.smallCache(() => putPieces(q, input));
  await q.tx.run("UPDATE evidence_contents SET chunks = ? WHERE hash = ?", [seq, input.hash]);
  return true;
}

/** Every piece of the content stored and checked against its hash and size: how many pieces. */
async function putPieces(q: Sql, input: EvidenceContentInput): Promise<number> {
  const sha = createHash("sha256");
  let size = 0;
  let seq = 0;
  for await (const piece of repiece(input.chunks)) {
    sha.update(piece);
    size += piece.length;
    // Past the size announced: the rest is not read (it cannot match any more).
    if (size > input.size) throw new EvidenceContentMismatch(input.hash, "", size);
    await q.tx.run("INSERT INTO evidence_chunks (hash, seq, data) VALUES (?, ?, ?)", [
      input.hash,
      seq,
      piece,
    ]);
    passed(piece.length);
    seq++;
  }
  const actual = sha.digest("hex");
  if (actual !== input.hash || size !== input.size)
    throw new EvidenceContentMismatch(input.hash, actual, size);
  return seq;
}

/** The unit, and the rectification whose history records the change, of a target. */
async function targetOf(
  q: Sql,
  input: NewEvidence["target"],
): Promise<{ unitId: string; rectification?: { id: string; status: string } }> {
  if ("answerId" in input) {
    const r = await q.tx.get(
      "SELECT runs.unit_id AS unit_id FROM answers JOIN runs ON runs.id = answers.run_id WHERE answers.id = ?",
      [input.answerId],
    );
    if (!r) throw new Error(`answer ${input.answerId} not found`);
    return { unitId: s(r.unit_id) };
  }
  const r = await q.tx.get(`SELECT unit_id, status FROM rectifications WHERE id = ?${q.dialect.forUpdate}`, [
    input.rectificationId,
  ]);
  if (!r) throw new Error(`rectification ${input.rectificationId} not found`);
  return { unitId: s(r.unit_id), rectification: { id: input.rectificationId, status: s(r.status) } };
}

async function noteInHistory(
  q: Sql,
  rect: { id: string; status: string } | undefined,
  at: string,
  by: string | null,
  note: string | null | undefined,
): Promise<void> {
  if (!rect || note === undefined || note === null) return;
  const status = rect.status as RectificationStatus;
  await appendHistory(q, { rectificationId: rect.id, at, by, fromStatus: status, toStatus: status, note });
}

export async function attachEvidence(q: Sql, input: NewEvidence): Promise<EvidenceFile> {
  const { unitId, rectification } = await targetOf(q, input.target);
  const id = newId();
  const at = nowIso();
  await q.tx.run(
    `INSERT INTO evidence_files (id, unit_id, answer_id, rectification_id, hash, name, size, media_type,
       added_at, added_by, removed_at, removed_by, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 1)`,
    [
      id,
      unitId,
      "answerId" in input.target ? input.target.answerId : null,
      "rectificationId" in input.target ? input.target.rectificationId : null,
      input.hash,
      input.name,
      input.size,
      input.mediaType,
      at,
      input.by,
    ],
  );
  await noteInHistory(q, rectification, at, input.by, input.historyNote);
  const file = await getEvidence(q, id);
  if (!file) throw new Error(`evidence ${id} was not kept`);
  return file;
}

export async function removeEvidence(
  q: Sql,
  id: string,
  by: string | null,
  historyNote?: string | null,
): Promise<EvidenceFile> {
  const at = nowIso();
  const changed = await q.tx.run(
    "UPDATE evidence_files SET removed_at = ?, removed_by = ?, rev = rev + 1 WHERE id = ? AND removed_at IS NULL",
    [at, by, id],
  );
  const file = await getEvidence(q, id);
  if (!file) throw new Error(`evidence ${id} not found`);
  if (changed.changes > 0 && file.rectificationId) {
    const r = await q.tx.get("SELECT status FROM rectifications WHERE id = ?", [file.rectificationId]);
    if (r) await noteInHistory(q, { id: file.rectificationId, status: s(r.status) }, at, by, historyNote);
  }
  return file;
}

/**
 * A rectification that is about to go (its answer revised to pass before the run ended): its
 * files move to that answer, so that nothing attached is lost with it.
 */
export async function moveToAnswer(q: Sql, rectificationId: string, runId: string, itemKey: string) {
  await q.tx.run(
    `UPDATE evidence_files SET answer_id = (SELECT id FROM answers WHERE run_id = ? AND item_key = ?),
       rectification_id = NULL, rev = rev + 1
     WHERE rectification_id = ? AND EXISTS (SELECT 1 FROM answers WHERE run_id = ? AND item_key = ?)`,
    [runId, itemKey, rectificationId, runId, itemKey],
  );
}
