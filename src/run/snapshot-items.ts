// The items a run was asked, read back from the checklist snapshot it stored: comparing two
// runs goes by item key, so a checklist edited between them shows new and removed items.
import type { Checklist } from "../checklist/schema.js";
import type { StoreReads } from "../store/port.js";
import type { Run } from "../store/types.js";
import { runItems } from "./items.js";
import { readSnapshot } from "./snapshot.js";

export interface SnapshotItem {
  /** `section.item` or `section.item@leader` */
  key: string;
  sectionId: string;
  sectionTitle: string;
  sectionTitleEn: string | null;
  itemId: string;
  leader: string | null;
  text: string;
  textEn: string | null;
}

/** Checklist versions and sets of leaders kept: a county's runs share a handful of each. */
const CACHE_LIMIT = 64;

/** Parses each snapshot once per process: many units share the same checklist version. */
export class SnapshotReader {
  private readonly cache = new Map<string, Promise<Checklist | null>>();
  /** Items per checklist version and leaders: most runs of a county share a handful. */
  private readonly itemCache = new Map<string, SnapshotItem[]>();
  constructor(private readonly store: StoreReads) {}

  checklist(hash: string): Promise<Checklist | null> {
    let hit = this.cache.get(hash);
    if (!hit) {
      // A missing or damaged snapshot has no items to compare: its run is compared as empty.
      hit = readSnapshot(this.store, hash).then((read) => (read.ok ? read.checklist : null));
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, hit);
    }
    return hit;
  }

  /**
   * The checklist a run's checklist descends from through `extends` (the first of its chain), or
   * its own id: runs of a checklist and of one that tailors it are one line of look-backs.
   */
  async lineageRoot(run: Run): Promise<string> {
    return (await this.checklist(run.checklistHash))?.lineage?.at(-1)?.id ?? run.checklistId;
  }

  /** The run's checklist id, then those it was resolved from (nearest first). */
  async lineage(run: Run): Promise<string[]> {
    return [run.checklistId, ...((await this.checklist(run.checklistHash))?.lineage ?? []).map((l) => l.id)];
  }

  /** The run's items in checklist order, per-leader sections expanded with the run's leaders. */
  async items(run: Run): Promise<SnapshotItem[]> {
    const key = JSON.stringify([run.checklistHash, run.leaders]);
    const cached = this.itemCache.get(key);
    if (cached) return cached;
    const items = this.build(run, await this.checklist(run.checklistHash));
    if (this.itemCache.size >= CACHE_LIMIT)
      this.itemCache.delete(this.itemCache.keys().next().value as string);
    this.itemCache.set(key, items);
    return items;
  }

  private build(run: Run, checklist: Checklist | null): SnapshotItem[] {
    if (!checklist) return [];
    return runItems(checklist, run.leaders).map(({ key, section, item, leader }) => ({
      key,
      sectionId: section.id,
      sectionTitle: section.title,
      sectionTitleEn: section.title_en ?? null,
      itemId: item.id,
      leader,
      text: item.text,
      textEn: item.text_en ?? null,
    }));
  }

  /** One item of a run's checklist by key, if the snapshot has it. */
  async item(run: Run, key: string): Promise<SnapshotItem | undefined> {
    return (await this.items(run)).find((i) => i.key === key);
  }
}
