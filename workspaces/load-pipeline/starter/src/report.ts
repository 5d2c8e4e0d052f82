/** The load test's Markdown report (your code). */
import type { Report } from './types';

export const MARKDOWN_HEADER = '| Host | Requests | Success % | Avg | P50 | P90 | P95 | P99 ms | Req/s | Failures |';

/**
 * A Markdown table with MARKDOWN_HEADER, one row per host and a last row "all" for the combined
 * figures. Failures read like "http 3, timeout 1, network 0".
 */
export function renderMarkdown(report: Report): string {
  // TODO
  void report;
  throw new Error('TODO: renderMarkdown is not implemented');
}
