// Every bound on what lookback reads from outside, in one place. Each refusal names the limit
// it hit, and both READMEs list these values (a test keeps them in step).

const MiB = 1024 * 1024;

export const LIMITS = {
  /** A checklist YAML file. */
  checklistBytes: 5 * MiB,
  /** An answers file for `check --answers`. */
  answersBytes: 5 * MiB,
  /** A ledger template for `export --template`. */
  templateBytes: 1 * MiB,
  /** Keys in one YAML document (all mappings together): checked before any per-key work. */
  yamlKeys: 20_000,
  /** Problems reported for one file; past it, one line says checking stopped. */
  diagnosticsPerFile: 100,
  /** Answers in one answers file. */
  answers: 5_000,
  /** Leading cadres (班子成员) of one run. */
  leaders: 50,
  /** Characters of one free-text field (note, problem, measure, progress…). */
  textChars: 2_000,
  /** Characters of a name (unit, respondent, leader, owner, verifier). */
  nameChars: 100,
  /** Characters of a unit code, township or type in the roster. */
  rosterFieldChars: 100,
  /** A roster file (CSV or XLSX) for `units import`. */
  rosterBytes: 20 * MiB,
  /** Data rows of a roster. */
  rosterRows: 100_000,
  /** Columns of a roster. */
  rosterColumns: 200,
  /** Bytes of an XLSX once unzipped (all parts together). */
  xlsxUnzippedBytes: 64 * MiB,
  /** Parts (zip entries) of an XLSX. */
  xlsxEntries: 1_000,
  /** A lookback database sent by a school, for `import` (its evidence files included). */
  importBytes: 1024 * MiB,
  /** Rows of one table of a database sent for `import` (a county's file has tens of thousands). */
  importRows: 200_000,
  /** Checklist snapshots in a database sent for `import`. */
  importSnapshots: 1_000,
  /** One evidence file (佐证材料), by default (`--max-file-mb`, LOOKBACK_EVIDENCE_MAX_FILE_MB). */
  evidenceFileBytes: 20 * MiB,
  /** The evidence of one unit, all files together, by default (`--max-unit-mb`, LOOKBACK_EVIDENCE_MAX_UNIT_MB). */
  evidenceUnitBytes: 200 * MiB,
  /** Files attached at once (a folder's files counted one by one). */
  evidenceFiles: 10_000,
} as const;

export type LimitName = keyof typeof LIMITS;

/** "5 MB" / "256 MB" for messages: limits are whole mebibytes. */
export function megabytes(bytes: number): string {
  return String(Math.round((bytes / MiB) * 10) / 10);
}
