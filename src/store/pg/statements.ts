// Statements a connection sends again and again (a page of a province's status, one per 100
// runs; an import's insert, once per row) are prepared under a name from their second use on:
// the server then parses them once and, after a few runs, keeps one plan instead of planning
// each time (`status --json` of 30,000 units: the server's time for its 300 pages 2.8 -> 2.4 s,
// the command 4.1 -> 3.8 s). A statement used once stays unnamed, and a connection names at
// most NAMED_PER_CONNECTION of them (they live on the server as long as the connection does).
import type { QueryConfig } from "pg";

const NAMED_PER_CONNECTION = 100;
/** Texts remembered per connection (seen once, or named), so the memory stays bounded too. */
const SEEN_PER_CONNECTION = 1000;

interface Statements {
  /** A text's name once it has one; null when it was sent once, unnamed. */
  names: Map<string, string | null>;
  named: number;
}

/** By connection: a prepared statement lives as long as the connection it was prepared on. */
const byConnection = new WeakMap<object, Statements>();

/** What to hand the driver for `text` on `connection`: the text alone, or it with its name. */
export function statementFor(
  connection: object,
  text: string,
  values: unknown[] | undefined,
): string | QueryConfig {
  let known = byConnection.get(connection);
  if (!known) {
    known = { names: new Map(), named: 0 };
    byConnection.set(connection, known);
  }
  const name = known.names.get(text);
  if (name) return { name, text, values };
  if (name === null && known.named < NAMED_PER_CONNECTION) {
    const given = `lookback_${++known.named}`;
    known.names.set(text, given);
    return { name: given, text, values };
  }
  if (name === undefined && known.names.size < SEEN_PER_CONNECTION) known.names.set(text, null);
  return text;
}

/**
 * The server refused a prepared statement because a table it reads changed shape since it was
 * prepared (another process upgraded the database meanwhile): the connection's statements are
 * stale, and it is not to be used again.
 */
export function isStalePlan(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return (
    err.code === "0A000" &&
    typeof err.message === "string" &&
    /cached plan must not change result type/.test(err.message)
  );
}
