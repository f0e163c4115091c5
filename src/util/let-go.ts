// Evidence pieces (1 MiB each) pass through memory once: read from a database or a file, written
// to another, dropped. Each is a Buffer outside V8's heap, freed only when a garbage collection
// finds it unreachable, and V8 collects for such memory only once some 64 MB of it has piled up:
// a 50 MB file left 50 MB of dead pieces behind it (export --with-evidence 87 -> 116 MB peak
// for 1 vs 50 MB). So after every few MiB passed a collection is asked for, and memory stays flat
// in the size of the files.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Bytes passed between two collections: what dead pieces may hold at most. */
const EVERY = 4 * 1024 * 1024;

let since = 0;
/**
 * A minor collection (of the young generation, where a piece's Buffer lives and dies): a
 * millisecond or so, against some 15 ms for a full one, and as much memory let go (measured: an
 * import of a 50 MB file peaks at 76 MB either way, 100 MB with none). Null where it cannot be
 * had: V8 then collects on its own, as before.
 */
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    // The flag gives `gc` to contexts made after it is set (not to this one's globals): one is
    // made for it, once, in the first command that passes EVERY bytes.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    collect = typeof gc === "function" ? () => (gc as (o: object) => void)({ type: "minor" }) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** `bytes` of pieces are done with: every EVERY bytes, the dead ones are collected. */
export function passed(bytes: number): void {
  since += bytes;
  if (since < EVERY) return;
  since = 0;
  collector()?.();
}
