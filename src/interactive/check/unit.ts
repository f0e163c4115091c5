// The first question of `lookback check`: which unit. Kept apart and light (no YAML, no
// checklists) so that the first prompt shows at once; the rest loads while it is read.

import { usageError } from "../../errors.js";
import { t } from "../../i18n/index.js";
import { checkName } from "../../run/fields.js";
import type { StoreReads } from "../../store/port.js";
import { resolveUnitName } from "../../units/resolve.js";
import type { Ask } from "../ask/types.js";

const NEW_UNIT = "\u0000new";

export async function askName(
  ask: Ask,
  message: string,
  field: "unit" | "respondent" | "inspectionGroup",
  def?: string,
): Promise<string> {
  const raw = await ask.input({
    message,
    ...(def ? { default: def } : {}),
    validate: (v) => {
      const c = checkName(v, field);
      return c.ok ? true : c.message;
    },
  });
  const c = checkName(raw, field);
  return c.ok ? c.value : raw.trim();
}

/**
 * A name typed (or given with --unit) that is near a known unit's, such as 莲塘一中 beside
 * 莲塘第一中学: the person says which they mean before a new unit is made.
 */
async function confirmNear(store: StoreReads, ask: Ask, typed: string, newUnit: boolean): Promise<string> {
  const r = await resolveUnitName(store, typed);
  if (r.kind === "existing") return r.unit.name;
  if (r.kind !== "near" || newUnit) return r.kind === "invalid" ? typed : r.name;
  const picked = await ask.select<string>({
    message: t("check.ask.unitNear", { name: r.name }),
    choices: [
      ...r.near.map((n) => ({ value: n, name: t("check.ask.unitNear.existing", { name: n }) })),
      { value: NEW_UNIT, name: t("check.ask.unitNear.new", { name: r.name }) },
    ],
    default: r.near[0],
  });
  return picked === NEW_UNIT ? r.name : picked;
}

/** `--unit`, else a choice of the known units (the most recently checked on top), else a name typed in. */
export async function chooseUnit(
  store: StoreReads,
  ask: Ask,
  given: string | undefined,
  newUnit = false,
): Promise<string> {
  if (given !== undefined) {
    const c = checkName(given, "unit");
    if (!c.ok) throw usageError("check.badOption", { option: "--unit", message: c.message });
    return confirmNear(store, ask, c.value, newUnit);
  }
  const units = await store.listUnits();
  if (units.length === 0) return askName(ask, t("check.ask.unitNew"), "unit");
  const lastActivity = new Map<string, string>();
  for (const r of await store.listRuns()) {
    const prev = lastActivity.get(r.unitId);
    if (!prev || r.updatedAt > prev) lastActivity.set(r.unitId, r.updatedAt);
  }
  const sorted = [...units].sort((a, b) => {
    const x = lastActivity.get(a.id) ?? "";
    const y = lastActivity.get(b.id) ?? "";
    return x === y ? a.name.localeCompare(b.name, "zh-CN") : x < y ? 1 : -1;
  });
  const picked = await ask.select<string>({
    message: t("check.ask.unit"),
    choices: [
      ...sorted.map((u) => ({ value: u.name, name: u.name })),
      { value: NEW_UNIT, name: t("check.ask.unitOther") },
    ],
    default: sorted[0]?.name,
  });
  if (picked !== NEW_UNIT) return picked;
  return confirmNear(store, ask, await askName(ask, t("check.ask.unitNew"), "unit"), newUnit);
}
