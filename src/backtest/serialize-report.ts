/**
 * report.json text: deterministic (key order fixed by construction, numbers as JS prints them) and readable —
 * one timeline row or fill per line, so a diff of two runs points at the bar that differs.
 */
import type { BacktestReport } from './report-types.ts';

export function serializeReport(r: BacktestReport): string {
  const rows = (items: unknown[]): string =>
    items.length === 0 ? '[]' : `[\n${items.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]`;
  return `{\n  "summary": ${JSON.stringify(r.summary)},\n  "timeline": ${rows(r.timeline)},\n  "fills": ${rows(r.fills)},\n  "daily": ${rows(r.daily)}\n}\n`;
}
