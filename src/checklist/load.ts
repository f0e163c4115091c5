// Loading checklists: files → typed checklists or positioned diagnostics (file:line:col).
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { usageError } from "../errors.js";
import { t } from "../i18n/index.js";
import { builtinChecklistsDir } from "../paths.js";
import { applyStrict, type Diagnostic, sortDiagnostics } from "../yaml/diagnostics.js";
import {
  makeDiagnostic,
  type ParsedYaml,
  type Path,
  type Position,
  parseWithSchema,
  positionAt,
} from "../yaml/parse.js";
import { readSource, sourceText } from "../yaml/source.js";
import { type Checklist, ChecklistSchema, type LoadedChecklist, type Section } from "./schema.js";

export interface FileReport {
  file: string;
  checklist?: LoadedChecklist;
  diagnostics: Diagnostic[];
  /**
   * Where the checklist's `id` is written, to point at it when another file uses the same id
   * (a function: finding a position costs a full parse, and is rarely needed).
   */
  idPosition?: () => Position;
}

export interface ValidationReport {
  files: FileReport[];
  diagnostics: Diagnostic[];
  /** Folders given to validate that held no YAML file at all (an error: nothing was checked there). */
  emptyDirs?: string[];
}

const YAML_EXT = /\.ya?ml$/i;

/** Reports one finding at a path of the file: positions are looked up only for what is reported. */
type Report = (
  path: Path,
  which: "value" | "key",
  code: string,
  message: string,
  hint?: string,
  severity?: Diagnostic["severity"],
) => void;

/** For each element whose id an earlier one already has: its index and the earlier one's. */
function forEachRepeatedId(
  list: readonly { id: string }[],
  repeated: (index: number, first: number) => void,
) {
  const firstIndex = new Map<string, number>();
  list.forEach((element, i) => {
    const first = firstIndex.get(element.id);
    if (first !== undefined) repeated(i, first);
    else firstIndex.set(element.id, i);
  });
}

/** A section's items: ids repeated in the section, and the English text and basis (依据) each should have. */
function itemChecks(section: Section, si: number, report: Report, lineOf: (path: Path) => number): void {
  const items = ["sections", si, "items"] as const;
  forEachRepeatedId(section.items, (ii, first) => {
    const line = lineOf([...items, first, "id"]);
    const id = section.items[ii]!.id;
    const message = t("diag.duplicateItem", { id, section: section.id, line });
    report([...items, ii, "id"], "value", "duplicate-id", message, t("diag.duplicateId.hint"));
  });
  section.items.forEach((item, ii) => {
    const fullId = `${section.id}.${item.id}`;
    if (!item.text_en) {
      const message = t("diag.missingTextEn", { id: fullId });
      report(
        [...items, ii, "text"],
        "key",
        "missing-text-en",
        message,
        t("diag.missingTextEn.hint"),
        "warning",
      );
    }
    if (!item.basis) {
      const message = t("diag.missingBasis", { id: fullId });
      report([...items, ii, "id"], "key", "missing-basis", message, t("diag.missingBasis.hint"), "warning");
    }
  });
}

/**
 * Ids, titles and translations that the schema cannot check: duplicates and warnings.
 * Positions are looked up only for what is reported: looking one up composes the `yaml` nodes,
 * which a clean file never needs (src/yaml/fast.ts).
 */
function semanticChecks(checklist: Checklist, parsed: ParsedYaml): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (path, which, code, message, hint, severity = "error") =>
    out.push(
      makeDiagnostic(parsed.source.file, positionAt(parsed, path, which), code, message, hint, severity),
    );
  const lineOf = (path: Path) => positionAt(parsed, path).line;
  const repeatedSections = new Map<number, number>();
  forEachRepeatedId(checklist.sections, (si, first) => repeatedSections.set(si, first));
  checklist.sections.forEach((section, si) => {
    const first = repeatedSections.get(si);
    if (first !== undefined) {
      const message = t("diag.duplicateSection", { id: section.id, line: lineOf(["sections", first, "id"]) });
      report(["sections", si, "id"], "value", "duplicate-id", message, t("diag.duplicateId.hint"));
    }
    if (!section.title_en) {
      const message = t("diag.missingTitleEn", { id: section.id });
      report(["sections", si, "title"], "key", "missing-title-en", message, undefined, "warning");
    }
    itemChecks(section, si, report, lineOf);
  });
  if (!checklist.title_en) {
    const message = t("diag.missingTitleEn", { id: checklist.id });
    report(["title"], "key", "missing-title-en", message, undefined, "warning");
  }
  return out;
}

/**
 * A checklist from YAML text that did not come from a file here (a snapshot in a school's
 * database): the same checks as a file's, errors only.
 */
export function checklistFromText(
  text: string,
  name: string,
): { checklist?: Checklist; errors: Diagnostic[] } {
  const outcome = parseWithSchema(sourceText(name, text), ChecklistSchema);
  if (!outcome.ok) return { errors: outcome.diagnostics };
  const errors = semanticChecks(outcome.value, outcome.parsed).filter((d) => d.severity === "error");
  return errors.length > 0 ? { errors } : { checklist: outcome.value, errors };
}

export function loadChecklistFile(file: string, builtin = false): FileReport {
  const read = readSource(file);
  if (!read.ok) return { file, diagnostics: [read.diagnostic] };
  const outcome = parseWithSchema(read.source, ChecklistSchema);
  if (!outcome.ok) return { file, diagnostics: sortDiagnostics(outcome.diagnostics) };
  const diagnostics = sortDiagnostics(semanticChecks(outcome.value, outcome.parsed));
  const hasError = diagnostics.some((d) => d.severity === "error");
  return {
    file,
    diagnostics,
    idPosition: () => positionAt(outcome.parsed, ["id"]),
    ...(hasError
      ? {}
      : {
          checklist: {
            checklist: outcome.value,
            file,
            builtin,
            // Hashed only when a run snapshots it (validate and list never do).
            get hash() {
              return read.source.hash;
            },
            text: read.source.text,
          },
        }),
  };
}

/**
 * Every *.yaml / *.yml below a folder, sorted for stable output. Symbolic links are followed
 * (a folder once, by its real path, so a loop ends); a broken link to a YAML name is kept, so
 * that loading it says what is wrong instead of leaving it out without a word.
 */
function yamlFilesIn(dir: string): string[] {
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = (d: string) => {
    const real = realpathOr(d);
    if (visited.has(real)) return;
    visited.add(real);
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = path.join(d, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDir = statSync(full).isDirectory();
        } catch {
          isDir = false;
        }
      }
      if (isDir) walk(full);
      else if (!entry.isDirectory() && YAML_EXT.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Expand paths (files and folders) to YAML files. A missing path is a usage error (exit 2);
 * a folder without YAML is reported as a diagnostic-less "nothing to check" by the caller.
 */
export function collectYamlFiles(
  paths: readonly string[],
  cwd = process.cwd(),
): { files: string[]; emptyDirs: string[] } {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!existsSync(abs))
      throw usageError("error.pathMissing", { path: p, cwd }, { hintKey: "error.pathMissing.hint" });
    if (statSync(abs).isDirectory()) {
      const found = yamlFilesIn(abs);
      if (found.length === 0) emptyDirs.push(p);
      files.push(...found);
    } else files.push(abs);
  }
  return { files: [...new Set(files)], emptyDirs };
}

/** Checklist ids must be unique across files: name every file that declares a taken id. */
function crossFileChecks(reports: FileReport[], cwd: string): Diagnostic[] {
  const byId = new Map<string, FileReport[]>();
  for (const r of reports) {
    if (!r.checklist) continue;
    const id = r.checklist.checklist.id;
    byId.set(id, [...(byId.get(id) ?? []), r]);
  }
  const out: Diagnostic[] = [];
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    for (const r of group) {
      const others = group.filter((o) => o !== r).map((o) => path.relative(cwd, o.file) || o.file);
      const d = makeDiagnostic(
        r.file,
        r.idPosition?.() ?? { line: 1, col: 1 },
        "duplicate-checklist-id",
        t("diag.duplicateChecklist", { id, other: others.join(", ") }),
        t("diag.duplicateChecklist.hint"),
      );
      r.diagnostics.push(d);
      out.push(d);
    }
  }
  return out;
}

export function validateFiles(
  files: readonly string[],
  opts: { strict?: boolean; cwd?: string } = {},
): ValidationReport {
  const cwd = opts.cwd ?? process.cwd();
  const reports = files.map((f) => loadChecklistFile(f));
  crossFileChecks(reports, cwd);
  for (const r of reports) {
    r.diagnostics = sortDiagnostics(applyStrict(r.diagnostics, opts.strict ?? false));
    if (r.diagnostics.some((d) => d.severity === "error")) delete r.checklist;
  }
  return { files: reports, diagnostics: reports.flatMap((r) => r.diagnostics) };
}

export interface ChecklistSet {
  checklists: LoadedChecklist[];
  diagnostics: Diagnostic[];
  /** The user folder that was read, if any. */
  userDir?: string;
}

/**
 * The checklists a command works with: the built-ins plus the user's folder
 * (`--checklists DIR`, else `./checklists` when it exists). A user checklist with the
 * id of a built-in replaces it, so a bureau's edited copy (made by `lookback init`) is the one used.
 */
export function loadChecklistSet(opts: { checklistsDir?: string; cwd?: string } = {}): ChecklistSet {
  const cwd = opts.cwd ?? process.cwd();
  const builtin = validateFiles(yamlFilesIn(builtinChecklistsDir), { cwd });
  for (const f of builtin.files) if (f.checklist) f.checklist.builtin = true;
  let userDir: string | undefined;
  if (opts.checklistsDir) {
    userDir = path.resolve(cwd, opts.checklistsDir);
    if (!existsSync(userDir)) {
      throw usageError(
        "error.pathMissing",
        { path: opts.checklistsDir, cwd },
        { hintKey: "error.pathMissing.hint" },
      );
    }
  } else if (
    existsSync(path.join(cwd, "checklists")) &&
    path.resolve(cwd, "checklists") !== path.resolve(builtinChecklistsDir)
  ) {
    userDir = path.join(cwd, "checklists");
  }
  const user = userDir
    ? validateFiles(statSync(userDir).isDirectory() ? yamlFilesIn(userDir) : [userDir], { cwd })
    : undefined;
  const byId = new Map<string, LoadedChecklist>();
  for (const f of builtin.files) if (f.checklist) byId.set(f.checklist.checklist.id, f.checklist);
  for (const f of user?.files ?? []) if (f.checklist) byId.set(f.checklist.checklist.id, f.checklist);
  const diagnostics = [...builtin.diagnostics, ...(user?.diagnostics ?? [])].filter(
    (d) => d.severity === "error",
  );
  return { checklists: [...byId.values()], diagnostics, ...(userDir ? { userDir } : {}) };
}
