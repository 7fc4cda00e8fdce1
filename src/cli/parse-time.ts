/** `--from`/`--to` values: ISO dates ("2025-03-10", "2025-03-10T12:00Z"), `YYYY-MM-DD HH:MM:SS` UTC, or epoch s/ms. */
import { parseTimestamp } from '../data/index.ts';
import { UserError } from './user-error.ts';

export function parseTimeArg(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t =
    parseTimestamp(value) ??
    (/^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN);
  if (!Number.isFinite(t)) {
    throw new UserError(
      `${flag} ${JSON.stringify(value)}: not a time (use 2025-03-10, 2025-03-10T12:00:00Z or epoch ms)`,
    );
  }
  return t;
}
