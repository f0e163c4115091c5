// Which unit a typed name means: one already known (the same name, or a look-alike of it), a
// new one, or a name so near a known one that it is probably a typo and must not be created
// without a person saying so (see identity.ts for the rules).
import type { StoreReads } from "../store/port.js";
import type { Unit } from "../store/types.js";
import { nearNames, normalizeUnitName } from "./identity.js";

export type UnitResolution =
  | { kind: "existing"; unit: Unit }
  | { kind: "new"; name: string }
  | { kind: "near"; name: string; near: string[] }
  | { kind: "invalid" };

export async function resolveUnitName(store: StoreReads | null, raw: string): Promise<UnitResolution> {
  const n = normalizeUnitName(raw);
  if (!n.ok) return { kind: "invalid" };
  const unit = await store?.findUnitByName(n.name);
  if (unit) return { kind: "existing", unit };
  const near = store ? nearNames(n.name, await store.unitNamesNear(n.name)) : [];
  return near.length > 0 ? { kind: "near", name: n.name, near } : { kind: "new", name: n.name };
}

/** A unit by name (or a look-alike of it), else by code (单位代码). */
export async function resolveUnit(store: StoreReads, nameOrCode: string): Promise<Unit | undefined> {
  const v = nameOrCode.trim();
  return (await store.findUnitByName(v)) ?? (await store.findUnitByCode(v));
}
