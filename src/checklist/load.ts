// Loading checklists: files → typed checklists or positioned diagnostics. A file that
// extends another is completed by resolve.ts once every file is read.
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
import { checkCorrespondences } from "./correspond.js";
import { formChecks } from "./form.js";
import { type Locator, locateInFile } from "./place.js";
import { declaredId, resolveReports } from "./resolve.js";
import {
  type Checklist,
  ChecklistSchema,
  type ChildFile,
  childFileSchema,
  type LoadedChecklist,
  type PlainFile,
  PlainFileSchema,
} from "./schema.js";
import { scoringChecks } from "./score-checks.js";
import { type ChildDraft, type Resolution, resolutionOfFile } from "./tailor.js";

export interface FileReport {
  file: string;
  checklist?: LoadedChecklist;
  diagnostics: Diagnostic[];
  /**
   * Where the checklist's `id` is written, to point at it when another file uses the same id
   * (a function: finding a position costs a full parse, and is rarely needed).
   */
  idPosition?: () => Position;
  /** A file with `extends`, valid in itself: resolve.ts completes it with its parent. */
  child?: ChildDraft;
  /** Where each item and section came from, file by file (`lookback show`). */
  resolution?: () => Resolution;
  /** Where the parts of the checklist were written, for checks made after loading. */
  locate?: Locator;
  /** A file without `extends` as read, even with errors: the checks made after loading read it too. */
  read?: Checklist;
}

export interface ValidationReport {
  files: FileReport[];
  diagnostics: Diagnostic[];
  /** Folders given to validate that held no YAML file at all (an error: nothing was checked there). */
  emptyDirs?: string[];
}

const YAML_EXT = /\.ya?ml$/i;

/** What semanticChecks reads: a checklist, a file of one, or a file that extends another. */
interface ChecklistShape {
  id: string;
  extends?: string | undefined;
  title?: string | undefined;
  title_en?: string | undefined;
  sections?:
    | readonly {
        id: string;
        title?: string | undefined;
        title_en?: string | undefined;
        items: readonly { id: string; text_en?: string | undefined; basis?: string | undefined }[];
      }[]
    | undefined;
}

/** Reports one finding at a path of the file: positions are looked up only for what is reported. */
type Report = (
  path: Path,
  which: "value" | "key",
  code: string,
  message: string,
  hint?: string,
  severity?: Diagnostic["severity"],
) => void;

type SectionShape = NonNullable<ChecklistShape["sections"]>[number];

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
function itemChecks(section: SectionShape, si: number, report: Report, lineOf: (path: Path) => number): void {
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
function semanticChecks(checklist: ChecklistShape, parsed: ParsedYaml): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (path, which, code, message, hint, severity = "error") =>
    out.push(
      makeDiagnostic(parsed.source.file, positionAt(parsed, path, which), code, message, hint, severity),
    );
  const lineOf = (path: Path) => positionAt(parsed, path).line;
  const sections = checklist.sections ?? [];
  const repeatedSections = new Map<number, number>();
  forEachRepeatedId(sections, (si, first) => repeatedSections.set(si, first));
  sections.forEach((section, si) => {
    const first = repeatedSections.get(si);
    if (first !== undefined) {
      const message = t("diag.duplicateSection", { id: section.id, line: lineOf(["sections", first, "id"]) });
      report(["sections", si, "id"], "value", "duplicate-id", message, t("diag.duplicateId.hint"));
    }
    // A section added to a parent's names no title of its own.
    if (section.title !== undefined && !section.title_en) {
      const message = t("diag.missingTitleEn", { id: section.id });
      report(["sections", si, "title"], "key", "missing-title-en", message, undefined, "warning");
    }
    itemChecks(section, si, report, lineOf);
  });
  // A child's title without `title_en`: said while resolving, where the parent's English is known.
  if (checklist.title !== undefined && !checklist.title_en && !checklist.extends) {
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

const declaresExtends = (value: unknown): boolean =>
  value !== null && typeof value === "object" && !Array.isArray(value) && "extends" in value;

export function loadChecklistFile(file: string, builtin = false): FileReport {
  const read = readSource(file);
  if (!read.ok) return { file, diagnostics: [read.diagnostic] };
  const outcome = parseWithSchema(read.source, (value) =>
    declaresExtends(value) ? childFileSchema() : PlainFileSchema,
  );
  if (!outcome.ok) return { file, diagnostics: sortDiagnostics(outcome.diagnostics) };
  const value: PlainFile | ChildFile = outcome.value;
  const { parsed } = outcome;
  const semantic = semanticChecks(value, parsed);
  const diagnostics = [...semantic, ...formChecks(value, parsed)];
  const base = { checklistId: value.id, file, builtin, parsed };
  const report: FileReport = { file, diagnostics, idPosition: () => positionAt(parsed, ["id"]) };
  const link = { id: value.id, version: value.version, file, builtin };
  // A child is resolved even with errors of form, so that the ones only its parent can show
  // are reported too (it gets no checklist either way); not with duplicate ids, which would
  // read as clashes with the parent.
  if (value.extends !== undefined && !semantic.some((d) => d.severity === "error")) {
    report.child = { value: value as ChildFile, base, link };
  }
  if (value.extends !== undefined) {
    report.diagnostics = sortDiagnostics(diagnostics);
    return report;
  }
  // Without `extends`: a checklist as it stands (formChecks refuses any tailoring key left), to
  // check on, and to use when nothing is wrong.
  const checklist = value as Checklist;
  const locate = locateInFile(base);
  diagnostics.push(...scoringChecks(checklist, locate));
  report.diagnostics = sortDiagnostics(diagnostics);
  report.read = checklist;
  report.locate = locate;
  if (diagnostics.some((d) => d.severity === "error")) return report;
  report.checklist = {
    checklist,
    file,
    builtin,
    // Hashed only when a run snapshots it (validate and list never do).
    get hash() {
      return read.source.hash;
    },
    text: read.source.text,
    parents: [],
    resolution: () => resolutionOfFile(checklist, base, link),
  } satisfies LoadedChecklist;
  report.resolution = report.checklist.resolution;
  return report;
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
    const id = declaredId(r);
    if (id === undefined) continue;
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

const hasError = (r: FileReport) => r.diagnostics.some((d) => d.severity === "error");

/** A file with errors has no checklist to use (a child is still resolved, to say all; see resolve.ts). */
function dropInvalid(reports: readonly FileReport[]): void {
  for (const r of reports) if (hasError(r)) delete r.checklist;
}

export interface ValidateOptions {
  strict?: boolean;
  cwd?: string;
  /**
   * The user's checklists folder (--checklists). A checklist that a file extends or refers to and
   * that is not among the files is looked for there (else in ./checklists), then in the built-ins.
   */
  checklistsDir?: string;
}

export function validateFiles(files: readonly string[], opts: ValidateOptions = {}): ValidationReport {
  const cwd = opts.cwd ?? process.cwd();
  const reports = files.map((f) => loadChecklistFile(f, isBuiltinFile(f)));
  crossFileChecks(reports, cwd);
  dropInvalid(reports);
  const index = resolveReports(reports, { cwd, more: () => otherReports(files, opts.checklistsDir, cwd) });
  checkCorrespondences(reports, index);
  // A parent read from elsewhere that has errors is shown too: its errors are the child's cause.
  const all = [...reports, ...[...index.reached].filter((r) => !reports.includes(r))];
  for (const r of all) {
    r.diagnostics = sortDiagnostics(applyStrict(r.diagnostics, opts.strict ?? false));
    if (hasError(r)) delete r.checklist;
  }
  return { files: all, diagnostics: all.flatMap((r) => r.diagnostics) };
}

const isBuiltinFile = (file: string) =>
  path.dirname(path.resolve(file)) === path.resolve(builtinChecklistsDir);

/** The checklists a command knows besides `given`: the user's folder first, then the built-ins. */
function otherReports(
  given: readonly string[],
  checklistsDir: string | undefined,
  cwd: string,
): FileReport[] {
  const seen = new Set(given.map(realpathOr));
  const userDir = userFolder(checklistsDir, cwd);
  const files = [...(userDir ? yamlFilesOf(userDir) : []), ...yamlFilesIn(builtinChecklistsDir)];
  const reports = files
    .filter((f) => !seen.has(realpathOr(f)))
    .map((f) => loadChecklistFile(f, isBuiltinFile(f)));
  dropInvalid(reports);
  return reports;
}

export interface ChecklistSet {
  checklists: LoadedChecklist[];
  diagnostics: Diagnostic[];
  /** The user folder that was read, if any. */
  userDir?: string;
}

/** --checklists DIR (exit 2 when it does not exist), else ./checklists when there is one. */
function userFolder(checklistsDir: string | undefined, cwd: string): string | undefined {
  if (checklistsDir) {
    const dir = path.resolve(cwd, checklistsDir);
    if (!existsSync(dir)) {
      throw usageError(
        "error.pathMissing",
        { path: checklistsDir, cwd },
        { hintKey: "error.pathMissing.hint" },
      );
    }
    return dir;
  }
  const dir = path.join(cwd, "checklists");
  return existsSync(dir) && path.resolve(dir) !== path.resolve(builtinChecklistsDir) ? dir : undefined;
}

const yamlFilesOf = (p: string) => (statSync(p).isDirectory() ? yamlFilesIn(p) : [p]);

/**
 * The checklists a command works with: the built-ins plus the user's folder
 * (`--checklists DIR`, else `./checklists` when it exists). A user checklist with the
 * id of a built-in replaces it, so a bureau's edited copy is the one used; a checklist
 * that extends another is resolved against this set.
 */
export function loadChecklistSet(opts: { checklistsDir?: string; cwd?: string } = {}): ChecklistSet {
  const cwd = opts.cwd ?? process.cwd();
  const builtin = yamlFilesIn(builtinChecklistsDir).map((f) => loadChecklistFile(f, true));
  crossFileChecks(builtin, cwd);
  const userDir = userFolder(opts.checklistsDir, cwd);
  const user = userDir ? yamlFilesOf(userDir).map((f) => loadChecklistFile(f)) : [];
  crossFileChecks(user, cwd);
  dropInvalid([...builtin, ...user]);
  // In the built-ins' order, a user's checklist in the place of the built-in it replaces.
  const byId = new Map<string, FileReport>();
  for (const r of [...builtin, ...user]) {
    const id = declaredId(r);
    if (id !== undefined) byId.set(id, r);
  }
  const used = [...byId.values()];
  resolveReports(used, { cwd });
  const diagnostics = [...builtin, ...user]
    .flatMap((r) => r.diagnostics)
    .filter((d) => d.severity === "error");
  const checklists = used.flatMap((r) => (r.checklist ? [r.checklist] : []));
  return { checklists, diagnostics, ...(userDir ? { userDir } : {}) };
}
