/** `zero-perps compare RUN…`: headline figures of several backtest runs side by side (src/research/runs/). */
import { parseArgs } from 'node:util';
import { compareRuns } from '../research/runs/compare.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps compare RUN [RUN …]

  RUN is a run folder (out/<bot>/<run id>), a bot folder (its latest run) or a report.json file.`;

export async function compareCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${HELP}`);
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  console.log(compareRuns(parsed.positionals));
  return 0;
}
