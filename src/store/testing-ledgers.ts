// The reads of `export --all` (testing.ts runs them on every engine): the latest run of each
// unit and checklist, and what a page of runs' ledgers show, each the same as the one-unit reads
// it replaces. Not shipped.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LedgerSource } from "./port.js";
import { bulkRuns, collect, miniChecklist, type StoreCtx } from "./testing.js";
import type { Run } from "./types.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export function describeLedgerReads({ store, fx, newRun, answer }: StoreCtx): void {
  describe("ledger reads (export --all)", () => {
    /** A run of another checklist, stored after every run so far (the store makes runs of files' checklists only). */
    const otherRun = async (of: Run, id: string) => {
      await fx().sql(
        `INSERT INTO runs (id, unit_id, checklist_hash, checklist_id, checklist_version, respondent, status,
           started_at, updated_at) VALUES (?, ?, ?, 'other', '1.0.0', 'p', 'complete', '2026-01-01', 'x')`,
        [id, of.unitId, of.checklistHash],
      );
      return (await store().getRun(id))!;
    };

    it("latestRuns: each unit's latest run of each checklist, by unit name then run order; none set aside", async () => {
      const first = await newRun("乙校");
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      const other = await otherRun(second, "other-run");
      const aside = await newRun("甲校");
      await store().supersedeRun(aside.id, "later");
      const alone = await newRun("丙校");
      await store().ensureUnit("丁校");
      const latest = await collect(store().latestRuns());
      expect(latest.map((r) => [r.unitName, r.checklistId, r.runId])).toEqual([
        ["丙校", "mini", alone.id],
        ["乙校", "mini", second.id],
        ["乙校", "other", other.id],
      ]);
      const stored = await store().runKeys();
      for (const r of latest) {
        expect(r.unitId).toBe((await store().getRun(r.runId))?.unitId);
        expect(r.stored).toBe(stored.find((k) => k.runId === r.runId)?.stored);
      }
      expect((await collect(store().latestRuns({ checklistId: "other" }))).map((r) => r.runId)).toEqual([
        other.id,
      ]);
      expect(await collect(store().latestRuns({ checklistId: "none" }))).toEqual([]);
    });

    it("latestRuns reads page after page in code point order of the names", async () => {
      await bulkRuns(fx(), store(), 1100);
      const names = (await collect(store().latestRuns())).map((r) => r.unitName);
      const expected = (await store().unitNames())
        .map((u) => u.name)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(names).toEqual(expected);
      const inTx = await store().read(async (tx) => (await collect(tx.latestRuns())).length);
      expect(inTx).toBe(1100);
    });

    it("latestRunsOfSnapshots: each unit's last run of listRuns among the hashes, methods counted", async () => {
      const v1 = (await store().saveSnapshot(miniChecklist(1))).hash;
      const first = await newRun("乙校");
      await answer(first, "pass", { method: "hear-report" });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      await answer(second, "pass", { method: "unannounced" });
      await answer(second, "fail", { itemKey: "a.two", method: "document-check" });
      await answer(second, "na", { itemKey: "a.three", method: "document-check" });
      await store().finishRun(second.id);
      // Stored later, stamped earlier by a clock that was wrong: still the latest.
      await fx().sql("UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?", [
        "2020-01-01T00:00:00.000Z",
        "2020-01-02T00:00:00.000Z",
        second.id,
      ]);
      await store().supersedeRun((await newRun("乙校")).id, second.id);
      const alone = await newRun("甲校");
      await answer(alone, "pass");
      await store().finishRun(alone.id);
      const other = await newRun("甲校", 2);
      const third = await newRun("丙校", 2);
      const latest = await collect(store().latestRunsOfSnapshots([v1, v1]));
      expect(latest.map((l) => l.run.id)).toEqual([second.id, alone.id]);
      expect(latest[0]?.methods).toEqual({ unannounced: 1, "document-check": 2 });
      expect(latest[1]?.methods).toEqual({});
      const stored = await store().runKeys({ includeSetAside: true });
      for (const l of latest) {
        expect(l.run).toEqual(await store().getRun(l.run.id));
        expect(l.stored).toBe(stored.find((k) => k.runId === l.run.id)?.stored);
      }
      const v2 = (await store().saveSnapshot(miniChecklist(2))).hash;
      const both = await collect(store().latestRunsOfSnapshots([v1, v2]));
      expect(both.map((l) => l.run.id)).toEqual([second.id, other.id, third.id]);
      // What the last of listRuns per unit gives, whatever the hashes.
      for (const hashes of [[v1], [v2], [v1, v2]]) {
        const last = new Map<string, string>();
        for (const r of await store().listRuns())
          if (hashes.includes(r.checklistHash)) last.set(r.unitId, r.id);
        const read = await collect(store().latestRunsOfSnapshots(hashes));
        expect(new Map(read.map((l) => [l.run.unitId, l.run.id]))).toEqual(last);
      }
      expect(await collect(store().latestRunsOfSnapshots([]))).toEqual([]);
    });

    it("latestRunsOfSnapshots reads page after page in run order, in a transaction too", async () => {
      await bulkRuns(fx(), store(), 1100);
      const v1 = (await store().saveSnapshot(miniChecklist(1))).hash;
      const ids = (await collect(store().latestRunsOfSnapshots([v1]))).map((l) => l.run.id);
      expect(ids).toEqual((await store().listRuns()).map((r) => r.id));
      expect(ids).toHaveLength(1100);
      const inTx = await store().read(async (tx) => (await collect(tx.latestRunsOfSnapshots([v1]))).length);
      expect(inTx).toBe(1100);
    });

    it("iterateUnits gives listUnits' units in its order, page after page", async () => {
      await bulkRuns(fx(), store(), 1100);
      await store().ensureUnit("A校", { code: "X1", township: "莲塘镇", type: "初中" });
      const all = await store().listUnits();
      expect(all.length).toBe(1101);
      expect(await collect(store().iterateUnits())).toEqual(all);
      expect(await store().read(async (tx) => collect(tx.iterateUnits()))).toEqual(all);
    });

    it("ledgerSources: a run's ledger as the one-unit reads give it, in the order given", async () => {
      const first = await newRun("乙校");
      const closed = (await answer(first, "fail", { itemKey: "a.one" })).rectification!;
      await answer(first, "pass", { itemKey: "a.two" });
      await store().changeRectification(closed.id, { toStatus: "closed", by: "督导组", note: null });
      await store().finishRun(first.id);
      const second = await newRun("乙校");
      const again = await answer(second, "fail", { itemKey: "a.one" });
      await answer(second, "na", { itemKey: "a.two" });
      await otherRun(second, "other-run");
      const content = Buffer.from("照片");
      await store().putEvidenceContent({ hash: sha(content), size: content.length, chunks: [content] });
      const file = { hash: sha(content), size: content.length, mediaType: "image/jpeg", by: null };
      await store().attachEvidence({ ...file, target: { answerId: again.answer.id }, name: "a.jpg" });
      const gone = await store().attachEvidence({
        ...file,
        target: { answerId: again.answer.id },
        name: "b.jpg",
      });
      await store().removeEvidence(gone.id, "张老师");
      const elsewhere = await newRun("甲校");
      await answer(elsewhere, "partial", { itemKey: "a.three" });

      const sources = await collect(
        store().ledgerSources([second.id, "no-such-run", elsewhere.id, first.id]),
      );
      expect(sources.map((s) => s.run.id)).toEqual([second.id, elsewhere.id, first.id]);
      for (const s of sources) await expectAsOneUnitReads(s);
      const [ofSecond, , ofFirst] = sources;
      expect(ofSecond?.runs.map((r) => r.id)).toEqual([first.id, second.id]);
      expect([...(ofSecond?.answers.keys() ?? [])]).toEqual([second.id]);
      expect([...(ofFirst?.answers.keys() ?? [])]).toEqual([first.id, second.id]);
      expect(ofSecond?.rectifications.map((r) => r.id)).toEqual([closed.id, again.rectification!.id]);
      expect(ofSecond?.evidence.map((f) => f.name)).toEqual(["a.jpg"]);
      expect(await collect(store().ledgerSources([]))).toEqual([]);
    });

    const expectAsOneUnitReads = async (s: LedgerSource) => {
      const { unitId, checklistId } = s.run;
      expect(s.run).toEqual(await store().getRun(s.run.id));
      expect(s.unit).toEqual(await store().getUnit(unitId));
      expect(s.runs).toEqual(await store().listRuns({ unitId, checklistId }));
      for (const [runId, answers] of s.answers) expect(answers).toEqual(await store().listAnswers(runId));
      expect(s.rectifications).toEqual(await store().listRectifications({ unitId, checklistId }));
      expect(s.evidence).toEqual(await store().listEvidence({ unitId }));
    };

    it("ledgerSources reads page after page, the next read while the loop body uses the store", async () => {
      await bulkRuns(fx(), store(), 450);
      const ids = (await store().runKeys()).map((k) => k.runId).reverse();
      const seen: string[] = [];
      for await (const s of store().ledgerSources(ids)) {
        if (seen.length % 100 === 0) expect((await store().getUnit(s.run.unitId))?.id).toBe(s.unit?.id);
        seen.push(s.run.id);
      }
      expect(seen).toEqual(ids);
      const firstTwo = await store().read(async (tx) => {
        const out: string[] = [];
        for await (const s of tx.ledgerSources(ids)) {
          out.push(s.run.id);
          if (out.length === 2) break;
        }
        return out;
      });
      expect(firstTwo).toEqual(ids.slice(0, 2));
    });
  });
}
