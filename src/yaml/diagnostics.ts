// A problem found in an input file, with its position: the currency of `validate`
// and of the answers file.
export type Severity = "error" | "warning";

export interface Diagnostic {
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `unknown-key`. */
  code: string;
  message: string;
  hint?: string;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === "error") errors++;
    else warnings++;
  }
  return { errors, warnings };
}

export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) =>
    a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1,
  );
}

/** Under --strict, warnings count as errors. */
export function applyStrict(diagnostics: Diagnostic[], strict: boolean): Diagnostic[] {
  return strict ? diagnostics.map((d) => ({ ...d, severity: "error" as const })) : diagnostics;
}
