// An async sequence read one item ahead: the next is asked for before this one is handed out,
// so that whatever produces it (a database read) works while the caller works on this one.

/**
 * `p`, asked for now and awaited later: its failure is thrown where it is awaited, never
 * reported as an unhandled rejection meanwhile (which would end the process).
 */
export function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** The items of `items`, each asked for while the caller still works on the one before. */
export async function* readAhead<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  const ask = () => awaitedLater(it.next());
  let next: Promise<IteratorResult<T>> | null = ask();
  try {
    for (;;) {
      const r: IteratorResult<T> = await next;
      next = null;
      if (r.done) return;
      next = ask();
      yield r.value;
    }
  } finally {
    // Left early: the read under way ends, then the source is closed.
    if (next !== null) {
      const pending: IteratorResult<T> | undefined = await next.catch(() => undefined);
      if (pending && !pending.done) await it.return?.();
    }
  }
}

/**
 * A turn of the event loop for the I/O under way. A loop whose awaits are all already settled
 * never gives one, and a read ahead on a server advances only then: each of its statements
 * waits for the turn after the last one's answer (writing a province's ledgers, 30 ms in 200
 * went to waiting for the next page's reads one by one).
 */
export const letIoIn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
