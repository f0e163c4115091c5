// Tests seed a database through the synchronous store and check the modules that use the port:
// the port opened on the same file (one per store, closed with it).
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/port.js";
import type { Store as SyncStore } from "../../src/store/store.js";

const ports = new WeakMap<SyncStore, Promise<Store>>();

export function port(store: SyncStore): Promise<Store> {
  let p = ports.get(store);
  if (!p) {
    const opened = openStore(store.file, { intent: "write" });
    p = opened;
    ports.set(store, opened);
    const close = store.close.bind(store);
    store.close = () => {
      void opened.then((s) => s.close());
      close();
    };
  }
  return p;
}
