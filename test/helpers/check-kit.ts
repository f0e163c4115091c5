// Drive the real check flow (setup + session) through a scripted `Ask` against a real
// SQLite file in a temp folder: what a person would type, step by step.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadChecklistSet } from "../../src/checklist/load.js";
import type { Lang } from "../../src/i18n/index.js";
import { ScriptExhausted, ScriptedAsk, type Step } from "../../src/interactive/ask/scripted.js";
import { runSession } from "../../src/interactive/check/session.js";
import { type StartOptions, startInteractive } from "../../src/interactive/check/setup.js";
import { chooseUnit } from "../../src/interactive/check/unit.js";
import type { CheckState } from "../../src/run/machine.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import { palette } from "../../src/util/color.js";
import { localToday } from "../../src/util/dates.js";

export const MINI_DIR = fileURLToPath(new URL("../fixtures/check/mini/", import.meta.url));

export interface Kit {
  dir: string;
  dbPath: string;
  /** A copy of the mini checklist folder, free to edit. */
  checklistsDir: string;
  /** The store on the kit's database (made when missing); close it when done. */
  open(): Promise<Store>;
  cleanup(): void;
}

export function makeKit(): Kit {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lookback-check-"));
  const checklistsDir = path.join(dir, "checklists");
  cpSync(MINI_DIR, checklistsDir, { recursive: true });
  const dbPath = path.join(dir, "lookback.db");
  return {
    dir,
    dbPath,
    checklistsDir,
    open: () => openStore(dbPath, { intent: "write" }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SessionOutcome {
  ask: ScriptedAsk;
  /** The final state, unless the script ran out first (as when a person walks away). */
  state: CheckState | undefined;
}

export async function session(
  kit: Kit,
  steps: Step[],
  opts: StartOptions,
  lang: Lang = "en",
): Promise<SessionOutcome> {
  const store = await kit.open();
  const ask = new ScriptedAsk(steps);
  try {
    const style = palette(false);
    const unitName = await chooseUnit(store, ask, opts.unit);
    const started = await startInteractive(
      {
        store,
        ask,
        checklists: () => loadChecklistSet({ checklistsDir: kit.checklistsDir, cwd: kit.dir }),
        lang,
        style,
      },
      opts,
      unitName,
    );
    const state = await runSession(
      {
        store,
        ask,
        checklist: started.checklist,
        unitName: started.unit.name,
        today: localToday(),
        lang,
        style,
      },
      started.state,
    );
    return { ask, state };
  } catch (e) {
    if (e instanceof ScriptExhausted) return { ask, state: undefined };
    throw e;
  } finally {
    await store.close();
  }
}

/** Steps for a `pass` answer: result, note, evidence. */
export const pass = (note = "", evidence = ""): Step[] => ["pass", note, evidence];
/** Steps for an `na` answer: result and reason (不适用 asks for nothing else). */
export const na = (reason: string): Step[] => ["na", reason];

export interface RectSteps {
  problem?: string;
  measure?: string;
  /** "" keeps the default (the leader, in a per-leader section). */
  owner?: string;
  leaderInCharge?: string;
  department?: string;
  kind?: "immediate" | "deadline" | "ongoing";
  deadline?: string;
  origin?: "self-check" | "inspection" | "visit" | "public";
  evidence?: string;
  note?: string;
}

/** Steps for a partial/fail answer, in the order the flow asks them. */
export function problem(result: "partial" | "fail", r: RectSteps = {}): Step[] {
  return [
    result,
    r.problem ?? "学习时间被挤占",
    r.measure ?? "每周固定半天集中学习",
    r.owner ?? "刘主任",
    r.leaderInCharge ?? "",
    r.department ?? "",
    r.kind ?? "deadline",
    r.deadline ?? "+30",
    r.origin ?? "self-check",
    r.note ?? "",
    r.evidence ?? "",
  ];
}

/** The mini checklist, unit 莲塘一小, respondent given: only the leaders are asked before the items. */
export const MINI: StartOptions = { unit: "莲塘一小", checklist: "mini", respondent: "张老师" };
