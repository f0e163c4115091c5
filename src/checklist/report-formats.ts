// The forms a validation report takes: text for people, json for programs, github for Actions
// annotations, junit for CI dashboards. A module of its own so that the command line can name
// them without loading the renderers.
export const VALIDATION_FORMATS = ["text", "json", "github", "junit"] as const;
export type ReportFormat = (typeof VALIDATION_FORMATS)[number];
