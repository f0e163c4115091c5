import { describe, expect, it } from "vitest";
import { JsonLater, JsonList, jsonChunks } from "./json-stream.js";

async function text(doc: Record<string, unknown>): Promise<string> {
  let out = "";
  for await (const c of jsonChunks(doc)) out += c;
  return out;
}

/** The document as JSON.stringify writes it, the lists as arrays. */
function expected(doc: Record<string, unknown>): string {
  const plain = Object.fromEntries(
    Object.entries(doc).map(([k, v]) => [k, v instanceof JsonList ? [...(v.items as Iterable<unknown>)] : v]),
  );
  return `${JSON.stringify(plain, null, 2)}\n`;
}

const item = (i: number) => ({
  id: `id-${i}`,
  name: i % 3 === 0 ? '第一学校\n\t"引号"' : `unit ${i}`,
  nested: { list: [i, null, { deep: [] }], empty: {} },
  missing: undefined,
  when: new Date(Date.UTC(2026, 0, 1 + (i % 28))),
});

describe("jsonChunks", () => {
  it("writes a JsonLater after the list before it has been read to the end (a count)", async () => {
    let count = 0;
    async function* counted() {
      for (let i = 0; i < 150; i++) {
        count++;
        yield item(i);
      }
    }
    const out = await text({
      today: "2026-12-01",
      list: new JsonList(counted()),
      count: new JsonLater(() => count),
    });
    const items = Array.from({ length: 150 }, (_, i) => item(i));
    expect(out).toBe(expected({ today: "2026-12-01", list: new JsonList(items), count: 150 }));
  });

  it.each([0, 1, 99, 100, 101, 250])(
    "writes a list of %i items exactly as JSON.stringify(doc, null, 2)",
    async (n) => {
      const items = Array.from({ length: n }, (_, i) => item(i));
      const doc = {
        format: "x",
        runs: new JsonList(items),
        after: { a: [1, 2] },
        gone: undefined,
        tail: new JsonList([]),
      };
      expect(await text(doc)).toBe(expected({ ...doc, runs: new JsonList(items) }));
    },
  );

  it("reads an async list, and writes undefined and functions in it as null, as arrays do", async () => {
    async function* gen() {
      yield 1;
      yield undefined;
      yield () => 0;
      yield "末";
    }
    expect(await text({ list: new JsonList(gen()) })).toBe(expected({ list: [1, undefined, () => 0, "末"] }));
  });

  it("writes an empty document as {}", async () => {
    expect(await text({})).toBe("{}\n");
  });
});
