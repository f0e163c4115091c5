// Names in the order Chinese readers expect (pinyin), as `a.localeCompare(b, "zh-CN")` sorts
// them, with one collator made on first use: localeCompare with a locale makes one per call,
// which is most of the time of sorting 30,000 unit names.
let collator: Intl.Collator | undefined;

export function compareZh(a: string, b: string): number {
  collator ??= new Intl.Collator("zh-CN");
  return collator.compare(a, b);
}
