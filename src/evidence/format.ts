// Evidence files as people and JSON see them.
import type { EvidenceFile } from "../store/types.js";

/** 1.2 MB, 340 KB, 12 B: one decimal past a megabyte. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(Math.round((bytes / 1024 / 1024) * 10) / 10).toString()} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** The documented --json shape of one file. */
export function evidenceJson(f: EvidenceFile) {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    mediaType: f.mediaType,
    sha256: f.hash,
    itemKey: f.itemKey,
    checklist: f.checklistId,
    answerId: f.answerId,
    rectificationId: f.rectificationId,
    addedAt: f.addedAt,
    addedBy: f.addedBy,
    removedAt: f.removedAt,
    removedBy: f.removedBy,
  };
}
