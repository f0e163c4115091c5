// Leading cadres (班子成员) of a run as typed: a line of names, and the list a resumed run grows.
/** Names typed on one line: separated by commas (, ，), 顿号 (、) or semicolons. */
export function splitNames(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Leaders of a resumed run plus any new ones, in order, without repeats. */
export function mergeLeaders(existing: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...existing, ...added])];
}
