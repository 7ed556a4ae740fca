// The report module's public API: aggregate samples into a CompareReport, render it, write it.
export { renderHtml } from './html.ts';
export { renderJson } from './json.ts';
export { renderMarkdown } from './markdown.ts';
export { summarizeComparison } from './summarize.ts';
export { renderTerminalSummary } from './terminal.ts';
export type * from './types.ts';
export { ReportInputError } from './validate.ts';
export { writeReports } from './write.ts';
