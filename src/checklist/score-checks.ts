// Checks of a checklist's weights and grade bands that its schema cannot make: a section whose
// items' weights add up to 0 could never be scored, sections weighted only in part leave the
// total undefined, two bands with the same lower bound are one too many. Made on the checklist
// as resolved (a child may change its parent's weights), each reported where it was written.
import { t } from "../i18n/index.js";
import type { Diagnostic } from "../yaml/diagnostics.js";
import { diagnosticAt, type Locator } from "./place.js";
import type { Checklist } from "./schema.js";

export function scoringChecks(checklist: Checklist, at: Locator): Diagnostic[] {
  const out: Diagnostic[] = [];
  checklist.sections.forEach((section, si) => {
    const sum = section.items.reduce((n, i) => n + (i.weight ?? 1), 0);
    if (sum === 0) {
      out.push(
        diagnosticAt(
          at.part(si, 0, ["weight"]),
          "zero-weights",
          t("diag.weights.sectionZero", { id: section.id }),
          {
            hint: t("diag.weights.sectionZero.hint"),
          },
        ),
      );
    }
  });
  const weighted = checklist.sections.map((s, si) => ({ s, si })).filter(({ s }) => s.weight !== undefined);
  const unweighted = checklist.sections.find((s) => s.weight === undefined);
  const first = weighted[0];
  if (first && unweighted) {
    out.push(
      diagnosticAt(
        at.part(first.si, undefined, ["weight"]),
        "partial-section-weights",
        t("diag.weights.someSections", { id: first.s.id, other: unweighted.id }),
        { hint: t("diag.weights.someSections.hint"), which: "key" },
      ),
    );
  } else if (first && weighted.every(({ s }) => s.weight === 0)) {
    out.push(
      diagnosticAt(
        at.part(first.si, undefined, ["weight"]),
        "zero-weights",
        t("diag.weights.allSectionsZero"),
        {
          hint: t("diag.weights.allSectionsZero.hint"),
        },
      ),
    );
  }
  gradeChecks(checklist, at, out);
  return out;
}

function gradeChecks(checklist: Checklist, at: Locator, out: Diagnostic[]): void {
  const grades = checklist.scoring?.grades;
  if (!grades || grades.length === 0) return;
  const seen = new Map<number, number>();
  grades.forEach((g, k) => {
    const first = seen.get(g.min);
    if (first !== undefined) {
      out.push(
        diagnosticAt(
          at.head(["scoring", "grades", k, "min"]),
          "duplicate-grade",
          t("diag.grades.duplicate", { min: g.min, n: first + 1 }),
          {
            hint: t("diag.grades.duplicate.hint"),
          },
        ),
      );
    } else seen.set(g.min, k);
    if (g.label_en === undefined) {
      out.push(
        diagnosticAt(
          at.head(["scoring", "grades", k, "label"]),
          "missing-label-en",
          t("diag.grades.missingEnglish", { label: g.label }),
          {
            severity: "warning",
            which: "key",
          },
        ),
      );
    }
  });
  const lowest = Math.min(...grades.map((g) => g.min));
  if (lowest > 0) {
    out.push(
      diagnosticAt(at.head(["scoring", "grades"]), "grades-gap", t("diag.grades.noBottom", { min: lowest }), {
        hint: t("diag.grades.noBottom.hint"),
        severity: "warning",
        which: "key",
      }),
    );
  }
}
