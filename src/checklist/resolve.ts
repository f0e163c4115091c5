// Resolving `extends` across files: each checklist that extends another is completed once its
// parent is, up the chain to a checklist complete in itself. A parent is looked for among the
// files being read first, then among the other checklists the command knows (the --checklists
// folder, the built-ins). A missing parent, a circle of `extends` and a parent with errors stop
// the child, each said at the child's `extends` line; the parent's own errors stay in its file.
import path from "node:path";
import { t } from "../i18n/index.js";
import { closest } from "../util/similar.js";
import { sha256 } from "../yaml/source.js";
import type { FileReport } from "./load.js";
import { diagnosticAt, type Place } from "./place.js";
import type { Checklist, LoadedChecklist } from "./schema.js";
import { scoringChecks } from "./score-checks.js";
import { serializeChecklist } from "./serialize.js";
import { applyChild, checklistOf, locateResolved, type Resolution } from "./tailor.js";

export interface ResolveOptions {
  cwd: string;
  /** Reports of the checklists known besides those given, read on first need. */
  more?: () => FileReport[];
}

/** The id a report declares, whether it is complete in itself or extends another. */
export function declaredId(r: FileReport): string | undefined {
  return r.checklist?.checklist.id ?? r.child?.value.id;
}

/** Checklists by id: those given first, then the others, each read once when first needed. */
export class ChecklistIndex {
  private readonly given = new Map<string, FileReport>();
  private others: Map<string, FileReport> | undefined;
  /** The reports of other checklists that a given one reached and that have errors. */
  readonly reached = new Set<FileReport>();
  private readonly resolver: Resolver;

  constructor(reports: readonly FileReport[], opts: ResolveOptions) {
    for (const r of reports) {
      const id = declaredId(r);
      if (id !== undefined && !this.given.has(id)) this.given.set(id, r);
    }
    this.more = opts.more;
    this.resolver = new Resolver(this, opts.cwd);
  }

  private readonly more: (() => FileReport[]) | undefined;

  private otherReports(): Map<string, FileReport> {
    if (!this.others) {
      this.others = new Map();
      for (const r of this.more?.() ?? []) {
        const id = declaredId(r);
        if (id !== undefined && !this.given.has(id) && !this.others.has(id)) this.others.set(id, r);
      }
    }
    return this.others;
  }

  get(id: string): FileReport | undefined {
    return this.given.get(id) ?? this.otherReports().get(id);
  }

  ids(): string[] {
    return [...new Set([...this.given.keys(), ...this.otherReports().keys()])].sort();
  }

  /** Resolve a report (and, first, its chain); null when it cannot be. */
  resolve(r: FileReport): Resolution | null {
    return this.resolver.resolve(r);
  }

  /** The checklist of an id, resolved: undefined when no checklist has it, null when it has errors. */
  resolved(id: string): Checklist | null | undefined {
    const r = this.get(id);
    if (!r) return undefined;
    if (r.child && !r.checklist) this.resolver.resolve(r);
    if (r.checklist) return r.checklist.checklist;
    if (this.given.get(id) !== r) this.reached.add(r);
    return null;
  }

  /** Whether the report is one of those given (not one read to find a parent). */
  isGiven(r: FileReport): boolean {
    const id = declaredId(r);
    return id !== undefined && this.given.get(id) === r;
  }
}

/**
 * Resolve every report that extends another, in place: it gets its checklist (resolved) or the
 * diagnostics that stop it. Returns the index, to look further checklists up by id.
 */
export function resolveReports(reports: readonly FileReport[], opts: ResolveOptions): ChecklistIndex {
  const index = new ChecklistIndex(reports, opts);
  for (const r of reports) if (r.child) index.resolve(r);
  return index;
}

class Resolver {
  private readonly done = new Map<FileReport, Resolution | null>();
  private readonly visiting: FileReport[] = [];

  constructor(
    private readonly index: ChecklistIndex,
    private readonly cwd: string,
  ) {}

  /** The report's resolution; null when it cannot be resolved (its diagnostics say why). */
  resolve(r: FileReport): Resolution | null {
    const known = this.done.get(r);
    if (known !== undefined) return known;
    if (!r.child) {
      const plain = r.checklist ? (r.resolution?.() ?? null) : null;
      this.done.set(r, plain);
      return plain;
    }
    if (this.visiting.includes(r)) {
      this.reportCycle(r);
      return null;
    }
    this.visiting.push(r);
    const result = this.resolveChild(r);
    this.visiting.pop();
    if (!this.done.has(r)) this.done.set(r, result);
    return this.done.get(r) ?? null;
  }

  private resolveChild(r: FileReport): Resolution | null {
    const child = r.child!;
    const extendsAt: Place = { ...child.base, path: ["extends"] };
    const parentId = child.value.extends!;
    if (parentId === child.value.id) return null; // said by formChecks
    const parent = this.index.get(parentId);
    if (!parent) {
      const suggestion = closest(parentId, this.index.ids());
      r.diagnostics.push(
        diagnosticAt(extendsAt, "unknown-parent", t("diag.extends.unknown", { id: parentId }), {
          hint: suggestion
            ? t("diag.unknownKey.didYouMean", { suggestion })
            : t("diag.extends.unknown.hint", { known: this.index.ids().join(", ") }),
        }),
      );
      return null;
    }
    const resolved = this.resolve(parent);
    if (this.done.get(r) === null) return null; // in a circle: already said
    if (!resolved) {
      if (!this.index.isGiven(parent)) this.index.reached.add(parent);
      const file = this.display(parent.file);
      r.diagnostics.push(
        diagnosticAt(extendsAt, "parent-invalid", t("diag.extends.parentInvalid", { id: parentId, file }), {
          hint: t("diag.extends.parentInvalid.hint", { file }),
        }),
      );
      return null;
    }
    const outcome = applyChild(resolved, child);
    r.diagnostics.push(...outcome.diagnostics);
    // Errors of the file's own (formChecks, duplicate ids across files) stop it as well.
    if (!outcome.resolution || r.diagnostics.some((d) => d.severity === "error")) return null;
    const checks = scoringChecks(checklistOf(outcome.resolution), locateResolved(outcome.resolution));
    r.diagnostics.push(...checks);
    if (checks.some((d) => d.severity === "error")) return null;
    completeReport(r, outcome.resolution);
    return outcome.resolution;
  }

  /** `r` extends, through others, itself: say so in every file of the circle. */
  private reportCycle(r: FileReport): void {
    const circle = this.visiting.slice(this.visiting.indexOf(r));
    const ids = [...circle, r].map((c) => c.child!.value.id);
    for (const member of circle) {
      this.done.set(member, null);
      member.diagnostics.push(
        diagnosticAt(
          { ...member.child!.base, path: ["extends"] },
          "extends-cycle",
          t("diag.extends.cycle", { chain: ids.join(" → ") }),
          {
            hint: t("diag.extends.cycle.hint"),
          },
        ),
      );
    }
  }

  private display(file: string): string {
    const rel = path.relative(this.cwd, file);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel.split(path.sep).join("/") : file;
  }
}

/** A resolved child as the commands use it: a run snapshots the resolved checklist written out. */
function completeReport(r: FileReport, resolution: Resolution): void {
  const child = r.child!;
  const checklist = checklistOf(resolution);
  let text: string | undefined;
  let hash: string | undefined;
  const loaded: LoadedChecklist = {
    checklist,
    file: r.file,
    builtin: child.link.builtin,
    parents: resolution.chain.slice(1),
    get text() {
      text ??= serializeChecklist(checklist);
      return text;
    },
    get hash() {
      hash ??= sha256(this.text);
      return hash;
    },
    resolution: () => resolution,
  };
  r.checklist = loaded;
  r.read = checklist;
  r.resolution = () => resolution;
  r.locate = locateResolved(resolution);
}
