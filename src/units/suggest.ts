// A unit name that matches no unit: which ones were likely meant. One answer for every
// command that takes --unit, so that the same mistake gets the same message and exit code.
import { LookbackError } from "../errors.js";
import { t } from "../i18n/index.js";
import type { StoreReads } from "../store/port.js";
import { closest, levenshtein } from "../util/similar.js";

/** Up to three names like `name`: the closest spelling, then names containing it (莲塘一中 → 南昌县莲塘一中). */
export function suggestUnits(name: string, all: readonly string[]): string[] {
  const q = name.trim().normalize("NFC");
  const near = new Set<string>();
  const c = closest(q, all);
  if (c !== undefined) near.add(c);
  const contains = all
    .filter((u) => q.length >= 2 && (u.includes(q) || q.includes(u)))
    .sort((a, b) => levenshtein(q, a) - levenshtein(q, b));
  for (const u of contains) near.add(u);
  return [...near].slice(0, 3);
}

const quote = (names: readonly string[]) => names.map((n) => `“${n}”`).join(t("table.separator"));

/** Names that match no unit of the database: an input error (exit 2) naming the database and the likeliest units. */
export async function unknownUnitsError(
  store: StoreReads,
  names: readonly string[],
  /** The database, as a person is shown it (Store.location). */
  db: string,
): Promise<LookbackError> {
  const all = (await store.listUnits()).map((u) => u.name);
  const suggestions = [...new Set(names.flatMap((n) => suggestUnits(n, all)))];
  const hint =
    suggestions.length > 0
      ? t("units.unknown.didYouMean", { names: quote(suggestions) })
      : all.length > 0
        ? t("units.unknown.hint", { names: quote(all.slice(0, 5)), count: all.length })
        : t("units.unknown.empty");
  return new LookbackError("units.unknown", t("units.unknown", { names: quote(names), db }), {
    exitCode: 2,
    hint,
  });
}
