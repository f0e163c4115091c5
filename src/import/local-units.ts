// This database's units that one school file's units may be, read in one go before the file is
// merged, and kept as the merge changes them: a unit the file adds or renames is found by the
// next of its units exactly as a query after each write would find it.
import type { Row } from "./validate.js";

/** Units the merge added get orders after every unit read (they were made last). */
const ADDED_ORDER = Number.MAX_SAFE_INTEGER / 2;

export class LocalUnits {
  private readonly units = new Map<string, Row>();
  private readonly order = new Map<string, number>();
  private readonly codes = new Map<string, string>();
  private readonly keys = new Map<string, Set<string>>();
  private merges: { fromId: string; fromKey: string; into: Row }[] = [];
  private added = 0;

  /** Units read (with `ord`, their order of making) and recorded merges, latest first. */
  load(rows: readonly Row[], merges: { fromId: string; fromKey: string; into: Row }[]): void {
    for (const r of [...rows, ...merges.map((m) => m.into)]) {
      if (this.units.has(r.id as string)) continue;
      const { ord, ...unit } = r;
      this.order.set(unit.id as string, Number(ord));
      this.index(unit);
    }
    this.merges = merges;
  }

  byId(id: string): Row | undefined {
    return this.units.get(id);
  }

  byCode(code: string): Row | undefined {
    const id = this.codes.get(code);
    return id === undefined ? undefined : this.units.get(id);
  }

  /** The first unit made with this comparison key. */
  byKey(key: string): Row | undefined {
    let first: string | undefined;
    for (const id of this.keys.get(key) ?? []) {
      if (first === undefined || this.order.get(id)! < this.order.get(first)!) first = id;
    }
    return first === undefined ? undefined : this.units.get(first);
  }

  /** The unit a merged-away unit (by its old id or name key) lives on as; the latest merge wins. */
  mergedInto(fromId: string, fromKey: string): Row | undefined {
    const m = this.merges.find((x) => x.fromId === fromId || x.fromKey === fromKey);
    return m ? this.units.get(m.into.id as string) : undefined;
  }

  /** A unit as the merge writes it (added or changed); returns it. */
  put(unit: Row): Row {
    const id = unit.id as string;
    const was = this.units.get(id);
    if (was) {
      if (typeof was.code === "string" && this.codes.get(was.code) === id) this.codes.delete(was.code);
      if (typeof was.name_key === "string") this.keys.get(was.name_key)?.delete(id);
    } else this.order.set(id, ADDED_ORDER + this.added++);
    this.index(unit);
    return unit;
  }

  private index(unit: Row): void {
    const id = unit.id as string;
    this.units.set(id, unit);
    if (typeof unit.code === "string") this.codes.set(unit.code, id);
    if (typeof unit.name_key === "string") {
      const set = this.keys.get(unit.name_key) ?? new Set<string>();
      this.keys.set(unit.name_key, set);
      set.add(id);
    }
  }
}
