// The forms a ledger export takes. A module of its own so that the command line can name them
// without loading the exporter.
export const EXPORT_FORMATS = ["xlsx", "csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
