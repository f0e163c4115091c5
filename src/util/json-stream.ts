// JSON documents written piece by piece: a list of 30,000 units is never one string in memory
// (a 64 MB heap cannot hold it). The text is exactly `JSON.stringify(doc, null, 2)` + "\n".
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { awaitedLater } from "./read-ahead.js";

/** A value of a document that is written one item at a time, as a JSON array. */
export class JsonList {
  constructor(readonly items: Iterable<unknown> | AsyncIterable<unknown>) {}
}

/**
 * A value known only once the lists before it have been written (how many items they had): its
 * key comes after them in the document.
 */
export class JsonLater {
  constructor(readonly value: () => unknown) {}
}

const indent = (json: string, pad: string): string => json.replaceAll("\n", `\n${pad}`);

/** Items stringified together: one native call per batch, not one (and a re-indent) per item. */
const BATCH = 100;
// A list stringified as the value of a one-key object comes out indented as a document's list
// is (items at four spaces): the items' text is what lies between these two.
const WRAP_HEAD = '{\n  "x": [\n'.length;
const WRAP_TAIL = "\n  ]\n}".length;

/** The text of `batch` (not empty) as items of a document's list, one after the other. */
function listItems(batch: readonly unknown[]): string {
  const text = JSON.stringify({ x: batch }, null, 2);
  return text.slice(WRAP_HEAD, text.length - WRAP_TAIL);
}

async function* listChunks(items: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<string> {
  let batch: unknown[] = [];
  let first = true;
  const flush = () => {
    const text = `${first ? "[\n" : ",\n"}${listItems(batch)}`;
    first = false;
    batch = [];
    return text;
  };
  for await (const item of items) {
    batch.push(item);
    if (batch.length === BATCH) yield flush();
  }
  if (batch.length > 0) yield flush();
  yield first ? "[]" : "\n  ]";
}

/** The text of `doc` (an object whose values may be JsonLists), in pieces of up to a hundred items. */
export async function* jsonChunks(doc: Record<string, unknown>): AsyncGenerator<string> {
  let first = true;
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined || typeof value === "function") continue;
    yield `${first ? "{\n" : ",\n"}  ${JSON.stringify(key)}: `;
    first = false;
    if (value instanceof JsonList) yield* listChunks(value.items);
    else {
      const v = value instanceof JsonLater ? value.value() : value;
      yield indent(JSON.stringify(v, null, 2) ?? "null", "  ");
    }
  }
  yield first ? "{}\n" : "\n}\n";
}

interface Events {
  on(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
}

/** Until `out` has taken what it holds (drain), or can take nothing more (close, error). */
function drained(out: Events): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of ["drain", "close", "error"]) out.off(e, done);
      resolve();
    };
    for (const e of ["drain", "close", "error"]) out.on(e, done);
  });
}

/**
 * Write the chunks to `out` (stdout, say), in writes of about 64 KB. A stream that says it is
 * full (a pipe into a slower reader: `| jq`, `| less`) is waited for, so that what is still to
 * come is not held in memory.
 */
export async function writeChunks(
  out: { write(chunk: string): unknown } & Partial<Events>,
  chunks: AsyncIterable<string>,
): Promise<void> {
  const events = typeof out.on === "function" && typeof out.off === "function" ? (out as Events) : null;
  const write = async (text: string) => {
    if (out.write(text) === false && events) await drained(events);
  };
  let buffer = "";
  for await (const c of chunks) {
    buffer += c;
    if (buffer.length >= 65_536) {
      await write(buffer);
      buffer = "";
    }
  }
  if (buffer !== "") await write(buffer);
}

/** Write the chunks to a new file (`wx`: never over another), waiting whenever the disk is behind. */
export async function writeChunksToFile(file: string, chunks: AsyncIterable<string>): Promise<void> {
  const stream = createWriteStream(file, { flags: "wx" });
  const failed = awaitedLater(once(stream, "error").then(([e]) => Promise.reject(e)));
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
