// Building a school's lookback database through the store API, as `check` would leave it:
// one run of a built-in checklist, some answers failing with their rectifications.

import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { loadChecklistSet } from "../../src/checklist/load.js";
import type { LoadedChecklist } from "../../src/checklist/schema.js";
import { openStore } from "../../src/store/open.js";
import type { AnswerInput, Store } from "../../src/store/port.js";
import type { Rectification, Result, Run, Unit } from "../../src/store/types.js";

let cached: LoadedChecklist[] | undefined;
export function builtin(id = "self-check"): LoadedChecklist {
  cached ??= loadChecklistSet({ cwd: "/" }).checklists;
  const found = cached.find((c) => c.checklist.id === id);
  if (!found) throw new Error(`no built-in checklist ${id}`);
  return found;
}

export interface SchoolOptions {
  unit: string;
  code?: string | null;
  township?: string | null;
  checklist?: string;
  leaders?: string[];
  /** Result of the n-th answered item (default: every 7th fails, every 11th is partial). */
  result?: (n: number, key: string) => Result;
  finish?: boolean;
  /** Evidence files to attach: to the first rectification, or to the first passing answer. */
  evidence?: { name: string; bytes: Buffer; on: "rectification" | "answer" }[];
}

export interface School {
  file: string;
  unit: Unit;
  run: Run;
  rectifications: Rectification[];
}

const defaultResult = (n: number): Result => (n % 7 === 3 ? "fail" : n % 11 === 5 ? "partial" : "pass");

/** The answers a school gives: every item (per leader where asked), results from `opts.result`. */
function schoolAnswers(loaded: LoadedChecklist, leaders: string[], opts: SchoolOptions): AnswerInput[] {
  const result = opts.result ?? defaultResult;
  const out: AnswerInput[] = [];
  let n = 0;
  for (const section of loaded.checklist.sections) {
    for (const leader of section.per === "leader" ? leaders : [null]) {
      for (const item of section.items) {
        const itemKey = `${section.id}.${item.id}${leader ? `@${leader}` : ""}`;
        const r = result(n++, itemKey);
        out.push({
          itemKey,
          sectionId: section.id,
          itemId: item.id,
          leader,
          result: r,
          note: r === "pass" ? null : `问题 ${itemKey}`,
          evidence: null,
          naReason: r === "na" ? "本单位无此项" : null,
          ...(r === "partial" || r === "fail"
            ? {
                rectification: {
                  problem: `存在问题：${itemKey}`,
                  measure: "限期整改",
                  owner: leader ?? "赵主任",
                  leaderInCharge: null,
                  department: "办公室",
                  deadline: "2026-12-31",
                  kind: "deadline" as const,
                  origin: "self-check" as const,
                  evidence: null,
                },
              }
            : {}),
        });
      }
    }
  }
  return out;
}

/** Write one school's database: unit, snapshot, one run answered in full, rectifications opened. */
export async function createSchool(file: string, opts: SchoolOptions): Promise<School> {
  const store = await openStore(file, { intent: "write" });
  try {
    return { file, ...(await fillSchool(store, opts)) };
  } finally {
    await store.close();
  }
}

/** The same into an open store (of either engine). */
export async function fillSchool(store: Store, opts: SchoolOptions): Promise<Omit<School, "file">> {
  const unit = await store.ensureUnit(opts.unit, {
    code: opts.code ?? null,
    township: opts.township ?? null,
  });
  const loaded = builtin(opts.checklist);
  const snapshot = await store.saveSnapshot(loaded);
  const leaders = opts.leaders ?? ["张书记", "李校长"];
  const run = await store.createRun({ unitId: unit.id, snapshot, respondent: "王老师", leaders });
  for (const answer of schoolAnswers(loaded, leaders, opts)) await store.saveAnswer(run.id, answer);
  if (opts.evidence) await attachEvidence(store, run, opts.evidence);
  const finished = opts.finish === false ? (await store.getRun(run.id))! : await store.finishRun(run.id);
  return { unit, run: finished, rectifications: await store.listRectifications({ runId: run.id }) };
}

/** Every row of every table, for "nothing changed" assertions. */
export function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of [
      "units",
      "checklist_snapshots",
      "runs",
      "answers",
      "rectifications",
      "rectification_history",
      "evidence_contents",
      "evidence_files",
    ]) {
      out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

export function rowCounts(file: string): Record<string, number> {
  return Object.fromEntries(Object.entries(dump(file)).map(([k, v]) => [k, v.length]));
}

async function attachEvidence(store: Store, run: Run, files: NonNullable<SchoolOptions["evidence"]>) {
  const rect = (await store.listRectifications({ runId: run.id }))[0];
  const pass = (await store.listAnswers(run.id)).find((a) => a.result === "pass");
  for (const f of files) {
    const hash = createHash("sha256").update(f.bytes).digest("hex");
    await store.putEvidenceContent({ hash, size: f.bytes.length, chunks: [f.bytes] });
    const target = f.on === "rectification" ? { rectificationId: rect!.id } : { answerId: pass!.id };
    await store.attachEvidence({
      target,
      hash,
      name: f.name,
      size: f.bytes.length,
      mediaType: "image/jpeg",
      by: "王老师",
    });
  }
}
