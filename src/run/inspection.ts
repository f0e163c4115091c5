// The supervision group's round (督导检查): which checklists a supervision group (督导组)
// answers about a unit, the methods it checks an item by (检查方式), and what an item's methods
// and an answer's method say about the origin (问题来源) of what it finds. One place for the
// interactive check, the answers file, status and the ledger.
import type { Checklist, ChecklistKind, Item } from "../checklist/schema.js";
import { type Lang, type MessageKey, t } from "../i18n/index.js";
import {
  INSPECTION_METHODS,
  type InspectionGroup,
  type InspectionMethod,
  type RectificationOrigin,
} from "../store/types.js";

/**
 * A checklist's kind: its `kind`, else (checklists written before `kind` existed) an id of
 * `inspection` or `inspection-…` is an inspection, as lookback has always read it.
 */
export function checklistKind(checklist: Pick<Checklist, "id" | "kind">): ChecklistKind {
  if (checklist.kind) return checklist.kind;
  return checklist.id === "inspection" || checklist.id.startsWith("inspection-")
    ? "inspection"
    : "self-check";
}

export const isInspection = (checklist: Pick<Checklist, "id" | "kind">): boolean =>
  checklistKind(checklist) === "inspection";

export function methodLabel(m: InspectionMethod, lang?: Lang): string {
  return t(`check.method.${m}` as MessageKey, {}, lang);
}

export function kindLabel(k: ChecklistKind, lang?: Lang): string {
  return t(`check.checklistKind.${k}` as MessageKey, {}, lang);
}

/**
 * The words a checklist's `method:` uses for each method. The notice's 暗访 is done "事先不打招呼、
 * 利用录音录像设备、上门走访、现场询问": each of those is an unannounced visit.
 */
const CHECKLIST_WORDS: Record<InspectionMethod, readonly string[]> = {
  "hear-report": ["听汇报", "听取汇报"],
  "site-visit": ["看现场", "实地查看"],
  "document-check": ["查资料", "查阅资料"],
  unannounced: ["暗访", "上门走访", "现场询问", "录音录像"],
};

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, " ");

/** A method by its code, or its label in either language (听汇报, Site visit), case and spacing aside. */
export function parseMethod(raw: string): InspectionMethod | undefined {
  const v = norm(raw);
  for (const m of INSPECTION_METHODS) {
    if (v === m || v === norm(methodLabel(m, "zh-CN")) || v === norm(methodLabel(m, "en"))) return m;
  }
  return undefined;
}

/** The accepted spellings, for hints: `hear-report (听汇报)`, … */
export function allowedMethods(): string {
  return INSPECTION_METHODS.map((m) => `${m} (${methodLabel(m, "zh-CN")})`).join(", ");
}

/** The methods an item's `method:` names, in the order of the known methods. */
export function itemMethods(item: Pick<Item, "method">): InspectionMethod[] {
  const words = item.method ?? [];
  return INSPECTION_METHODS.filter((m) =>
    words.some((w) => CHECKLIST_WORDS[m].includes(w.trim()) || parseMethod(w) === m),
  );
}

/**
 * The method to offer for an item: the one used on the item before, if the item allows it (an
 * item whose checklist names no method allows any), else the first the item names.
 */
export function suggestedMethod(
  item: Pick<Item, "method">,
  previous: InspectionMethod | null,
): InspectionMethod | null {
  const allowed = itemMethods(item);
  if (previous !== null && (allowed.length === 0 || allowed.includes(previous))) return previous;
  return allowed[0] ?? previous;
}

/** The method an item stands for without being told: only when its checklist names exactly one. */
export function impliedMethod(item: Pick<Item, "method">): InspectionMethod | null {
  const allowed = itemMethods(item);
  return allowed.length === 1 ? allowed[0]! : null;
}

/**
 * 问题来源 by default: what an unannounced visit found is 暗访 (`visit`); any other finding of an
 * inspection is 明察 (`inspection`); a self-check's is 自查. Without a method, an inspection item
 * whose checklist names 暗访 as its only method counts as one.
 */
export function defaultOrigin(
  checklist: Pick<Checklist, "id" | "kind">,
  item: Pick<Item, "method">,
  method: InspectionMethod | null = null,
): RectificationOrigin {
  const mentionsVisit = (item.method ?? []).some((w) => w.includes("暗访"));
  // A checklist without `kind` is read as lookback always has: an item checked by 暗访 is one.
  if (!isInspection(checklist)) return checklist.kind === undefined && mentionsVisit ? "visit" : "self-check";
  const m = method ?? impliedMethod(item);
  if (m === "unannounced") return "visit";
  return "inspection";
}

/** How many answers used each method (null: not recorded), for status and 汇总. */
export function methodCounts(
  answers: Iterable<{ method: InspectionMethod | null }>,
): Record<InspectionMethod, number> {
  const out = Object.fromEntries(INSPECTION_METHODS.map((m) => [m, 0])) as Record<InspectionMethod, number>;
  for (const a of answers) if (a.method !== null) out[a.method]++;
  return out;
}

/** `县教育局第二督导组（王督导、李督导）` as a person reads it. */
export function groupText(g: InspectionGroup, lang: Lang): string {
  if (g.members.length === 0) return g.group;
  return lang === "zh-CN" ? `${g.group}（${g.members.join("、")}）` : `${g.group} (${g.members.join(", ")})`;
}
