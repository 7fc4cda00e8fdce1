/** `zero-perps validate FILE…`: checks bot configs without starting anything; exit 2 when any is bad. */
import { parseBotConfig } from '../config/bot-config.ts';
import { ConfigError } from '../config/config-error.ts';
import { readConfigFile } from '../config/read-config-file.ts';
import { checkUniqueNames } from '../runner/config-sync.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps validate FILE [FILE …]

Checks each bot config (YAML or JSON) against the schema (docs/config.md) and that no two files name the
same bot. Prints one line per file; every problem names its field. Exit 0 when all are valid, 2 otherwise.`;

export async function validateCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  const flag = argv.find((a) => a.startsWith('-'));
  if (flag) throw new UserError(`validate takes file names only (unknown option "${flag}")\n${HELP}`);
  if (argv.length === 0) throw new UserError(`name at least one config file\n${HELP}`);
  let bad = 0;
  const good: { raw: Record<string, unknown>; source: string }[] = [];
  for (const file of argv) {
    try {
      const raw = readConfigFile(file);
      const c = parseBotConfig(raw, file);
      good.push({ raw: raw as Record<string, unknown>, source: file });
      checkUniqueNames(good);
      const where = c.markets.map((m) => m.symbol).join('/');
      console.log(`${file}: ok — ${c.strategy} bot "${c.name}" on ${where}, collateral ${c.collateral} USDC`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      if (good.at(-1)?.source === file) good.pop();
      bad++;
      console.error(err.message);
    }
  }
  return bad === 0 ? 0 : 2;
}
