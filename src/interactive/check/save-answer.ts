// An answer of the interactive check and the evidence files typed for it are stored in one write
// transaction: both, or neither. When the files are refused there (the unit's cap, a file changed
// since it was typed), nothing is stored, the person is told why and asked for the files again;
// Enter alone then stores the answer without them. The answer typed is never lost, and the
// check never says more is saved than was.
import { isLookbackError } from "../../errors.js";
import type { EvidenceCaps, PreparedFile } from "../../evidence/attach.js";
import { EvidenceChanged } from "../../evidence/files.js";
import { t } from "../../i18n/index.js";
import type { AnswerInput, SavedAnswer, Store } from "../../store/port.js";
import type { Run } from "../../store/types.js";
import type { Palette } from "../../util/color.js";
import type { Ask } from "../ask/types.js";
import { askEvidenceFiles } from "./evidence-prompt.js";

export interface SaveDeps {
  store: Store;
  ask: Ask;
  style: Palette;
  unitName: string;
  evidence?: { cwd: string; caps: EvidenceCaps; exists: (p: string) => boolean };
}

/** Why files were refused at the store, in the person's words; undefined for a failure of the machine. */
function refusal(e: unknown): string | undefined {
  if (e instanceof EvidenceChanged) return t("evidence.changed", { file: e.shown });
  if (isLookbackError(e)) return e.hint ? `${e.message} ${e.hint}` : e.message;
  return undefined;
}

/** Store the answer and its files together (the files on its rectification, else on the answer). */
async function saveTogether(
  deps: SaveDeps,
  run: Run,
  answer: AnswerInput,
  files: readonly PreparedFile[],
  caps: EvidenceCaps,
): Promise<{ saved: SavedAnswer; count: number }> {
  const { attachFiles } = await import("../../evidence/attach.js");
  return deps.store.write(async (tx) => {
    const saved = await tx.saveAnswer(run.id, answer);
    const target = saved.rectification
      ? { rectificationId: saved.rectification.id }
      : { answerId: saved.answer.id };
    const unit = { id: run.unitId, name: deps.unitName };
    const done = await attachFiles(tx, unit, target, files, run.respondent, caps);
    return { saved, count: done.files.length };
  });
}

/** The answer stored, with the files typed for it when they can be attached (asked again when not). */
export async function saveAnswerWithFiles(
  deps: SaveDeps,
  run: Run,
  answer: AnswerInput,
  files: readonly PreparedFile[] | undefined,
): Promise<SavedAnswer> {
  let pending = files ?? [];
  let refused = false;
  const evidence = deps.evidence;
  while (evidence && pending.length > 0) {
    try {
      const { saved, count } = await saveTogether(deps, run, answer, pending, evidence.caps);
      deps.ask.say(deps.style.dim(t("check.evidenceFiles.attached", { count })));
      return saved;
    } catch (e) {
      const why = refusal(e);
      if (why === undefined) throw e;
      deps.ask.say(deps.style.yellow(t("check.evidenceFiles.notAttached", { message: why })));
      refused = true;
      pending = await askEvidenceFiles(deps.ask, evidence.cwd, evidence.caps, evidence.exists);
    }
  }
  const saved = await deps.store.saveAnswer(run.id, answer);
  if (refused) deps.ask.say(deps.style.dim(t("check.evidenceFiles.savedWithout")));
  return saved;
}
