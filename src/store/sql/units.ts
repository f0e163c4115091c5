// Units (填报单位) in portable SQL: the roster, look-alike names found by their comparison key,
// and units merge.
import { nearGroupOf, normalizeUnitName, unitKey } from "../../units/identity.js";
import type { UnitFields, UnitIdsAndNames, UnitMergeOutcome, UnitName } from "../port.js";
import type { Unit } from "../types.js";
import type { Sql } from "./context.js";
import { newId, nowIso, s, sn, toUnit } from "./rows.js";
import { latestRun, listRuns, supersedeRun } from "./runs.js";

export async function listUnits(q: Sql): Promise<Unit[]> {
  return (await q.tx.all("SELECT * FROM units ORDER BY name")).map(toUnit);
}

export async function getUnit(q: Sql, id: string, lock = false): Promise<Unit | undefined> {
  const r = await q.tx.get(`SELECT * FROM units WHERE id = ?${lock ? q.dialect.forUpdate : ""}`, [id]);
  return r && toUnit(r);
}

export async function findUnitByName(q: Sql, name: string): Promise<Unit | undefined> {
  const exact = await q.tx.get("SELECT * FROM units WHERE name = ?", [name]);
  if (exact) return toUnit(exact);
  const norm = normalizeUnitName(name);
  if (!norm.ok) return undefined;
  // The first unit made with this key: look-alikes made before keys were enforced stay apart.
  const r = await q.tx.get(`SELECT * FROM units WHERE name_key = ? ORDER BY ${q.dialect.rowOrder} LIMIT 1`, [
    norm.key,
  ]);
  return r && toUnit(r);
}

export async function findUnitByCode(q: Sql, code: string): Promise<Unit | undefined> {
  const r = await q.tx.get("SELECT * FROM units WHERE code = ?", [code]);
  return r && toUnit(r);
}

export async function unitNames(q: Sql): Promise<UnitName[]> {
  const rows = await q.tx.all(`SELECT id, name, name_key FROM units ORDER BY ${q.dialect.rowOrder}`);
  return rows.map((r) => ({ id: s(r.id), name: s(r.name), key: sn(r.name_key) ?? unitKey(s(r.name)) }));
}

export async function unitIdsAndNames(q: Sql): Promise<UnitIdsAndNames> {
  const out: UnitIdsAndNames = { ids: [], names: [] };
  // Streamed: the driver's rows of a province are never all held beside the lists.
  for await (const r of q.tx.iterate(`SELECT id, name FROM units ORDER BY ${q.dialect.rowOrder}`)) {
    out.ids.push(s(r.id));
    out.names.push(s(r.name));
  }
  return out;
}

/** The units whose names may be near `name` (the same near group), in the order they were made. */
export async function unitNamesNear(q: Sql, name: string): Promise<UnitName[]> {
  const rows = await q.tx.all(
    `SELECT id, name, name_key FROM units WHERE near_group = ? ORDER BY ${q.dialect.rowOrder}`,
    [nearGroupOf(unitKey(name))],
  );
  return rows.map((r) => ({ id: s(r.id), name: s(r.name), key: sn(r.name_key) ?? unitKey(s(r.name)) }));
}

export async function mergedInto(q: Sql, fromId: string, fromName: string): Promise<Unit | undefined> {
  const r = await q.tx.get(
    "SELECT into_id FROM unit_merges WHERE from_id = ? OR from_key = ? ORDER BY at DESC, id DESC LIMIT 1",
    [fromId, unitKey(fromName)],
  );
  return r ? getUnit(q, s(r.into_id)) : undefined;
}

function checkedName(name: string): { name: string; key: string } {
  const norm = normalizeUnitName(name);
  if (!norm.ok) throw new Error(`not a valid unit name (${norm.problem}): ${JSON.stringify(name)}`);
  return norm;
}

export async function ensureUnit(q: Sql, name: string, extra: UnitFields = {}): Promise<Unit> {
  const norm = checkedName(name);
  const found = await findUnitByName(q, norm.name);
  if (found) return found;
  const at = nowIso();
  const unit: Unit = {
    id: newId(),
    name: norm.name,
    code: extra.code ?? null,
    township: extra.township ?? null,
    type: extra.type ?? null,
    createdAt: at,
    updatedAt: at,
  };
  // Another writer may add the same name at the same moment (PostgreSQL): theirs is the unit.
  const { changes } = await q.tx.run(
    `INSERT INTO units (id, name, code, township, type, created_at, updated_at, name_key, near_group, rev)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (name) DO NOTHING`,
    [unit.id, unit.name, unit.code, unit.township, unit.type, at, at, norm.key, nearGroupOf(norm.key)],
  );
  if (changes === 1) return unit;
  const theirs = await findUnitByName(q, norm.name);
  if (!theirs) throw new Error(`unit ${norm.name} vanished while it was added`);
  return theirs;
}

export async function updateUnit(q: Sql, id: string, patch: UnitFields & { name?: string }): Promise<Unit> {
  const unit = await getUnit(q, id, true);
  if (!unit) throw new Error(`unit ${id} not found`);
  const next: Unit = { ...unit, ...patch, updatedAt: nowIso() };
  const norm = checkedName(next.name);
  next.name = norm.name;
  await q.tx.run(
    `UPDATE units SET name = ?, code = ?, township = ?, type = ?, updated_at = ?, name_key = ?, near_group = ?,
       rev = rev + 1
     WHERE id = ?`,
    [next.name, next.code, next.township, next.type, next.updatedAt, norm.key, nearGroupOf(norm.key), id],
  );
  return next;
}

export async function mergeUnit(q: Sql, fromId: string, intoId: string): Promise<UnitMergeOutcome> {
  const from = await getUnit(q, fromId, true);
  const into = await getUnit(q, intoId, true);
  if (!from || !into || from.id === into.id) throw new Error(`cannot merge unit ${fromId} into ${intoId}`);
  const at = nowIso();
  // One unfinished run per unit and checklist: FROM's is set aside where INTO has one.
  let setAside = 0;
  for (const run of await listRuns(q, { unitId: from.id })) {
    if (run.status !== "in-progress") continue;
    const open = await latestRun(q, into.id, run.checklistId, { unfinishedOnly: true });
    if (open) {
      await supersedeRun(q, run.id, open.id);
      setAside++;
    }
  }
  const moved = async (table: string) =>
    (
      await q.tx.run(`UPDATE ${table} SET unit_id = ?, updated_at = ?, rev = rev + 1 WHERE unit_id = ?`, [
        into.id,
        at,
        from.id,
      ])
    ).changes;
  const runs = await moved("runs");
  const rectifications = await moved("rectifications");
  await q.tx.run("UPDATE evidence_files SET unit_id = ?, rev = rev + 1 WHERE unit_id = ?", [
    into.id,
    from.id,
  ]);
  await q.tx.run(
    `INSERT INTO unit_merges (id, from_id, from_name, from_key, from_code, into_id, at, runs, rectifications)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [newId(), from.id, from.name, unitKey(from.name), from.code, into.id, at, runs, rectifications],
  );
  // Later merges into FROM now lead to INTO as well.
  await q.tx.run("UPDATE unit_merges SET into_id = ? WHERE into_id = ?", [into.id, from.id]);
  await q.tx.run("DELETE FROM units WHERE id = ?", [from.id]);
  const filled = await updateUnit(q, into.id, {
    code: into.code ?? from.code,
    township: into.township ?? from.township,
    type: into.type ?? from.type,
  });
  return { into: filled, runs, rectifications, setAside };
}
