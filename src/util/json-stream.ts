// JSON documents written piece by piece: a list of 30,000 units is never one string in memory
// (a 64 MB heap cannot hold it). The text is exactly `JSON.stringify(doc, null, 2)` + "\n".
import { once } from "node:events";
import { createWriteStream } from "node:fs";

/** A value of a document that is written one item at a time, as a JSON array. */
export class JsonList {
  constructor(readonly items: Iterable<unknown> | AsyncIterable<unknown>) {}
}

const indent = (json: string, pad: string): string => json.replaceAll("\n", `\n${pad}`);

/** The text of `doc` (an object whose values may be JsonLists), in pieces of about one item each. */
export async function* jsonChunks(doc: Record<string, unknown>): AsyncGenerator<string> {
  let first = true;
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined || typeof value === "function") continue;
    yield `${first ? "{\n" : ",\n"}  ${JSON.stringify(key)}: `;
    first = false;
    if (!(value instanceof JsonList)) {
      yield indent(JSON.stringify(value, null, 2) ?? "null", "  ");
      continue;
    }
    let n = 0;
    for await (const item of value.items) {
      yield `${n === 0 ? "[\n" : ",\n"}    ${indent(JSON.stringify(item, null, 2) ?? "null", "    ")}`;
      n++;
    }
    yield n === 0 ? "[]" : "\n  ]";
  }
  yield first ? "{}\n" : "\n}\n";
}

/** Write the chunks to `out` (stdout, say), in writes of about 64 KB. */
export async function writeChunks(
  out: { write(chunk: string): unknown },
  chunks: AsyncIterable<string>,
): Promise<void> {
  let buffer = "";
  for await (const c of chunks) {
    buffer += c;
    if (buffer.length >= 65_536) {
      out.write(buffer);
      buffer = "";
    }
  }
  if (buffer !== "") out.write(buffer);
}

/** Write the chunks to a new file (`wx`: never over another), waiting whenever the disk is behind. */
export async function writeChunksToFile(file: string, chunks: AsyncIterable<string>): Promise<void> {
  const stream = createWriteStream(file, { flags: "wx" });
  const failed = once(stream, "error").then(([e]) => Promise.reject(e));
  failed.catch(() => {});
  try {
    let buffer = "";
    const flush = async () => {
      if (!stream.write(buffer)) await Promise.race([once(stream, "drain"), failed]);
      buffer = "";
    };
    for await (const c of chunks) {
      buffer += c;
      if (buffer.length >= 65_536) await flush();
    }
    if (buffer !== "") await flush();
    stream.end();
    await Promise.race([once(stream, "finish"), failed]);
  } finally {
    stream.destroy();
  }
}
