// The `yaml` library, loaded on first use. Most runs never need it (src/yaml/fast.ts reads
// plain valid files); loading it costs ~13 ms bundled and ~40 ms from node_modules, so it is
// not imported up front. The loader is synchronous because the checklist loader is.
import { createRequire } from "node:module";

// scripts/bundle.mjs replaces this name with the path of its one-file copy of the library
// (lib/vendor/yaml.cjs); from dist/ and in tests it is undefined and `yaml` comes from node_modules.
declare const __LOOKBACK_VENDOR_YAML__: string | undefined;

type YamlLibrary = typeof import("yaml");

let library: YamlLibrary | undefined;

export function yamlLib(): YamlLibrary {
  if (!library) {
    const id = typeof __LOOKBACK_VENDOR_YAML__ === "string" ? __LOOKBACK_VENDOR_YAML__ : "yaml";
    library = createRequire(import.meta.url)(id) as YamlLibrary;
  }
  return library;
}
