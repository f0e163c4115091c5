// The evidence part of the store's behaviour (testing.ts runs it on every engine): contents by
// hash in pieces, attachments to answers and rectifications, removal kept. Not shipped.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EVIDENCE_CHUNK_BYTES, EvidenceContentMismatch } from "./port.js";
import { rejection, type StoreCtx } from "./testing.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Bytes that differ from piece to piece (a content cut wrong would not read back the same). */
function bytes(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

async function readAll(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

export function describeEvidence({ store, newRun, answer }: StoreCtx): void {
  describe("evidence files", () => {
    const put = (content: Buffer, pieces: Buffer[] = [content]) =>
      store().putEvidenceContent({ hash: sha(content), size: content.length, chunks: pieces });
    const attach = (
      target: { answerId: string } | { rectificationId: string },
      content: Buffer,
      name: string,
    ) =>
      store().attachEvidence({
        target,
        hash: sha(content),
        name,
        size: content.length,
        mediaType: "image/jpeg",
        by: "张老师",
        historyNote: `added ${name}`,
      });

    it("a content is stored once, in pieces, and reads back byte for byte", async () => {
      const content = bytes(EVIDENCE_CHUNK_BYTES * 2 + 12345);
      // Given in odd pieces: stored in pieces of one chunk each.
      const given = [
        content.subarray(0, 1000),
        content.subarray(1000, 3_000_000),
        content.subarray(3_000_000),
      ];
      expect(await put(content, given)).toBe(true);
      expect(await put(content)).toBe(false);
      expect(await store().evidenceContentsPresent([sha(content), "0".repeat(64)])).toEqual(
        new Set([sha(content)]),
      );
      const pieces: number[] = [];
      for await (const p of store().evidenceContent(sha(content))) pieces.push(p.length);
      expect(pieces).toEqual([EVIDENCE_CHUNK_BYTES, EVIDENCE_CHUNK_BYTES, 12345]);
      expect((await readAll(store().evidenceContent(sha(content)))).equals(content)).toBe(true);
      expect(await store().read(async (tx) => (await readAll(tx.evidenceContent(sha(content)))).length)).toBe(
        content.length,
      );
    });

    it("pieces that do not hash as announced are refused and nothing of them is kept", async () => {
      const content = bytes(5000);
      const other = bytes(5000, 7);
      const e = await rejection(
        store().putEvidenceContent({ hash: sha(content), size: content.length, chunks: [other] }),
      );
      expect(e).toBeInstanceOf(EvidenceContentMismatch);
      expect((await store().evidenceContentsPresent([sha(content)])).size).toBe(0);
      expect((await readAll(store().evidenceContent(sha(content)))).length).toBe(0);
    });

    it("attachments to an answer and to a rectification: listed with their item, removal kept with the history", async () => {
      const run = await newRun();
      const failed = await answer(run, "fail");
      const passed = await answer(run, "pass", { itemKey: "a.two" });
      const photo = bytes(2000);
      await put(photo);
      const onRect = await attach({ rectificationId: failed.rectification!.id }, photo, "签到表.jpg");
      const onAnswer = await attach({ answerId: passed.answer.id }, photo, "CON.jpg");
      expect(onRect).toMatchObject({
        itemKey: "a.one",
        runId: run.id,
        checklistId: "mini",
        unitId: run.unitId,
      });
      expect(onAnswer).toMatchObject({ itemKey: "a.two", answerId: passed.answer.id, rectificationId: null });
      expect((await store().listEvidence({ unitId: run.unitId })).map((f) => f.name)).toEqual([
        "签到表.jpg",
        "CON.jpg",
      ]);
      expect((await store().listEvidence({ rectificationId: failed.rectification!.id })).length).toBe(1);
      expect((await store().listEvidence({ hash: sha(photo) })).map((f) => f.id)).toEqual([
        onRect.id,
        onAnswer.id,
      ]);
      expect(await store().listEvidence({ hash: "0".repeat(64) })).toEqual([]);
      // The same content twice counts once towards the unit's cap.
      expect(await store().unitEvidenceBytes(run.unitId)).toBe(2000);
      expect(await store().unitEvidenceBytes(run.unitId, [{ hash: "f".repeat(64), size: 10 }])).toBe(2010);
      const removed = await store().removeEvidence(onRect.id, "王主任", "removed 签到表.jpg");
      expect(removed).toMatchObject({ removedBy: "王主任" });
      expect(removed.removedAt).not.toBeNull();
      expect((await store().listEvidence({ unitId: run.unitId })).map((f) => f.name)).toEqual(["CON.jpg"]);
      expect((await store().listEvidence({ unitId: run.unitId, includeRemoved: true })).length).toBe(2);
      const notes = (await store().listHistory(failed.rectification!.id)).map((h) => h.note);
      expect(notes).toEqual([null, "added 签到表.jpg", "removed 签到表.jpg"]);
      expect((await store().findEvidence(onAnswer.id.slice(0, 6))).map((f) => f.id)).toContain(onAnswer.id);
    });

    it("a unit's contents by hash: each once, removed files and other units left out", async () => {
      const run = await newRun("莲塘一小");
      const other = await newRun("莲塘二小");
      const a = await answer(run, "pass");
      const b = await answer(run, "pass", { itemKey: "a.two" });
      const elsewhere = await answer(other, "pass");
      const photo = bytes(2000, 11);
      const minutes = bytes(700, 12);
      const gone = bytes(300, 13);
      for (const c of [photo, minutes, gone]) await put(c);
      expect(await store().unitEvidenceContents(run.unitId)).toEqual(new Map());
      await attach({ answerId: a.answer.id }, photo, "签到表.jpg");
      await attach({ answerId: b.answer.id }, photo, "签到表-副本.jpg");
      await attach({ answerId: b.answer.id }, minutes, "会议记录.pdf");
      const removed = await attach({ answerId: a.answer.id }, gone, "旧.jpg");
      await store().removeEvidence(removed.id, null);
      await attach({ answerId: elsewhere.answer.id }, gone, "别校.jpg");
      const held = new Map([
        [sha(photo), 2000],
        [sha(minutes), 700],
      ]);
      expect(await store().unitEvidenceContents(run.unitId)).toEqual(held);
      // Inside a write transaction too: what this transaction attached is counted.
      const inTx = await store().write(async (tx) => {
        await tx.attachEvidence({
          target: { answerId: a.answer.id },
          hash: sha(gone),
          name: "又.jpg",
          size: gone.length,
          mediaType: "image/jpeg",
          by: null,
        });
        return tx.unitEvidenceContents(run.unitId);
      });
      expect(inTx).toEqual(new Map([...held, [sha(gone), 300]]));
      expect(await store().unitEvidenceContents(other.unitId)).toEqual(new Map([[sha(gone), 300]]));
    });

    it("a rectification dropped (its answer revised to pass) leaves its files on the answer", async () => {
      const run = await newRun();
      const failed = await answer(run, "fail");
      const doc = bytes(3000, 3);
      await put(doc);
      const f = await attach({ rectificationId: failed.rectification!.id }, doc, "会议记录.pdf");
      const passed = await answer(run, "pass");
      expect(await store().getEvidence(f.id)).toMatchObject({
        answerId: passed.answer.id,
        rectificationId: null,
      });
    });

    it("units merge: the files go with the runs", async () => {
      const run = await newRun("莲塘一小");
      const a = await answer(run, "pass");
      const doc = bytes(100, 4);
      await put(doc);
      const f = await attach({ answerId: a.answer.id }, doc, "x.pdf");
      const into = await store().ensureUnit("莲塘第一小学");
      await store().mergeUnit(run.unitId, into.id);
      expect((await store().getEvidence(f.id))?.unitId).toBe(into.id);
    });

    it("an attachment whose content is not stored is refused by the database", async () => {
      const run = await newRun();
      const a = await answer(run, "pass");
      await expect(attach({ answerId: a.answer.id }, bytes(10, 9), "y.jpg")).rejects.toThrow();
      expect((await store().listEvidence()).length).toBe(0);
    });
  });
}
