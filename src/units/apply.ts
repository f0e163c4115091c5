// Writing roster rows into the store: upsert by code, else by name. A roster imported after
// the schools' files attaches code, township and type to the units they created (same name).
// Every row is planned against the store first; only a clean plan is applied, in the same transaction.
import { LIMITS } from "../input/limits.js";
import type { StoreReads, WriteTx } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { NearIndex, unitKey } from "./identity.js";
import type { RosterError, RosterRow } from "./roster.js";

export type UnitAction = "added" | "updated" | "unchanged";

export interface PlannedUnit {
  row: RosterRow;
  action: UnitAction;
  /** The unit matched (for updated / unchanged). */
  existing: Unit | undefined;
  next: { name: string; code: string | null; township: string | null; type: string | null };
}

export interface RosterResult {
  added: number;
  updated: number;
  unchanged: number;
  units: { row: number; action: UnitAction; unit: Unit }[];
}

/** Match every row and check it against the units already stored; nothing is written. */
export async function planRoster(
  store: StoreReads,
  rows: readonly RosterRow[],
  headings: { name: string | null; code: string | null },
  opts: { allowNear?: boolean } = {},
): Promise<{ plan: PlannedUnit[]; errors: RosterError[] }> {
  const errors: RosterError[] = [];
  const plan: PlannedUnit[] = [];
  const claimedBy = new Map<string, number>();
  const known = new NearIndex(opts.allowNear ? [] : await store.unitNames());
  for (const row of rows) {
    if (errors.length >= LIMITS.diagnosticsPerFile) {
      errors.push({
        row: row.row,
        column: null,
        code: "tooManyErrors",
        params: { max: LIMITS.diagnosticsPerFile },
      });
      break;
    }
    const existing =
      (row.code ? await store.findUnitByCode(row.code) : undefined) ?? (await store.findUnitByName(row.name));
    if (existing) {
      const first = claimedBy.get(existing.id);
      if (first !== undefined) {
        errors.push({
          row: row.row,
          column: headings.name,
          code: "sameUnit",
          params: { first, value: existing.name },
        });
        continue;
      }
      claimedBy.set(existing.id, row.row);
      // Renamed through its code: the new name must not belong to another unit.
      const holder = existing.name === row.name ? undefined : await store.findUnitByName(row.name);
      if (holder && holder.id !== existing.id) {
        errors.push({
          row: row.row,
          column: headings.name,
          code: "nameTaken",
          params: { value: row.name, code: holder.code ?? "—" },
        });
        continue;
      }
    }
    if (!existing && !opts.allowNear) {
      // Not created silently under a name this near a known unit's (a typo, or a short form).
      const near = known.near(row.name);
      if (near.length > 0) {
        errors.push({
          row: row.row,
          column: headings.name,
          code: "nearName",
          params: { value: row.name, near: near.join("、") },
        });
        continue;
      }
    }
    // An empty cell keeps what is known: the roster adds facts, it does not erase them. A
    // look-alike of the stored name (full-width, another space) keeps the stored name.
    const sameName = existing !== undefined && unitKey(existing.name) === unitKey(row.name);
    const next = {
      name: sameName ? existing.name : row.name,
      code: row.code ?? existing?.code ?? null,
      township: row.township ?? existing?.township ?? null,
      type: row.type ?? existing?.type ?? null,
    };
    const same =
      existing &&
      existing.name === next.name &&
      existing.code === next.code &&
      existing.township === next.township &&
      existing.type === next.type;
    plan.push({ row, existing, next, action: !existing ? "added" : same ? "unchanged" : "updated" });
  }
  return { plan, errors };
}

/** Apply a clean plan, inside the caller's write transaction (the one it was planned in). */
export async function applyPlan(tx: WriteTx, plan: readonly PlannedUnit[]): Promise<RosterResult> {
  const result: RosterResult = { added: 0, updated: 0, unchanged: 0, units: [] };
  for (const p of plan) {
    const unit =
      p.action === "added"
        ? await tx.ensureUnit(p.next.name, p.next)
        : p.action === "updated" && p.existing
          ? await tx.updateUnit(p.existing.id, p.next)
          : p.existing!;
    result[p.action]++;
    result.units.push({ row: p.row.row, action: p.action, unit });
  }
  return result;
}
