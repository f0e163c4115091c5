import { describe, expect, it } from "vitest";
import { readAhead } from "./read-ahead.js";

/** A source that logs when each item is asked for and when it is closed. */
function source(n: number, log: string[], failAt?: number) {
  return {
    async *[Symbol.asyncIterator]() {
      try {
        for (let i = 0; i < n; i++) {
          log.push(`read ${i}`);
          await new Promise((r) => setTimeout(r, 1));
          if (i === failAt) throw new Error(`failed at ${i}`);
          yield i;
        }
      } finally {
        log.push("closed");
      }
    },
  };
}

describe("readAhead", () => {
  it("asks for the next item before the caller works on this one, and keeps the order", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const i of readAhead(source(3, log))) {
      log.push(`use ${i}`);
      seen.push(i);
    }
    expect(seen).toEqual([0, 1, 2]);
    // Asked for past the last item, the source ends (and closes) while the last is used.
    expect(log).toEqual(["read 0", "read 1", "use 0", "read 2", "use 1", "closed", "use 2"]);
  });

  it("a loop left early waits for the read under way, then closes the source", async () => {
    const log: string[] = [];
    for await (const i of readAhead(source(5, log))) if (i === 1) break;
    expect(log).toEqual(["read 0", "read 1", "read 2", "closed"]);
  });

  it("a failure is thrown where its item would have been, after the items before it", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const run = async () => {
      for await (const i of readAhead(source(5, log, 2))) seen.push(i);
    };
    await expect(run()).rejects.toThrow("failed at 2");
    expect(seen).toEqual([0, 1]);
    expect(log.at(-1)).toBe("closed");
  });
});
