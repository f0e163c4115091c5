// The forms a briefing (简报) takes. A module of its own so that the command line can name them
// without loading the writers.
export const REPORT_FORMATS = ["docx", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
