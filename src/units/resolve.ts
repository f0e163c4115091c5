// Which unit a typed name means: one already known (the same name, or a look-alike of it), a
// new one, or a name so near a known one that it is probably a typo and must not be created
// without a person saying so (see identity.ts for the rules).
import type { Store } from "../store/store.js";
import type { Unit } from "../store/types.js";
import { nearNames, normalizeUnitName } from "./identity.js";

export type UnitResolution =
  | { kind: "existing"; unit: Unit }
  | { kind: "new"; name: string }
  | { kind: "near"; name: string; near: string[] }
  | { kind: "invalid" };

export function resolveUnitName(store: Store | null, raw: string): UnitResolution {
  const n = normalizeUnitName(raw);
  if (!n.ok) return { kind: "invalid" };
  const unit = store?.findUnitByName(n.name);
  if (unit) return { kind: "existing", unit };
  const near = store ? nearNames(n.name, store.unitNames()) : [];
  return near.length > 0 ? { kind: "near", name: n.name, near } : { kind: "new", name: n.name };
}
