// Tests seed a database through the synchronous store and check the modules that use the port:
// the port over that same store (one per store, so that its lock is shared).
import type { Store } from "../../src/store/port.js";
import type { Store as SyncStore } from "../../src/store/store.js";
import { syncPortStore } from "../../src/store/sync-port.js";

const ports = new WeakMap<SyncStore, Store>();

export function port(store: SyncStore): Store {
  let p = ports.get(store);
  if (!p) {
    p = syncPortStore(store);
    ports.set(store, p);
  }
  return p;
}
