/** `zero-perps init [FILE]`: writes a commented bot config with every setting and its default. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBotConfig } from '../config/bot-config.ts';
import { parseConfigText } from '../config/read-config-file.ts';
import { renderInitConfig } from '../config/reference.ts';
import { NAME_RE, NAME_RULE } from '../config/schema.ts';
import { marketSymbols } from '../domain/markets.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { UserError } from './user-error.ts';

const HELP = `usage: zero-perps init [FILE] [--strategy grid|spread] [--name NAME] [--market M] [--collateral USDC] [--force]

Writes a bot config (default FILE: NAME.yaml) with the required settings filled in and every other setting
as a comment showing its default, its allowed range and what it does. Reference: docs/config.md.

  --strategy   grid (default) or spread
  --name       bot name (default my-grid / my-spread)
  --market     grid: ${marketSymbols().join(', ')} (default SOL-PERP)
  --collateral USDC (default 1000)
  --force      overwrite FILE if it exists`;

export async function initCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n${HELP}`);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (parsed.positionals.length > 1)
    throw new UserError(`init writes one file (got ${parsed.positionals.join(' ')})`);
  const strategy = v.strategy ?? 'grid';
  if (strategy !== 'grid' && strategy !== 'spread') {
    throw new UserError(`--strategy must be grid or spread (got "${strategy}")`);
  }
  const name = v.name ?? `my-${strategy}`;
  if (!NAME_RE.test(name)) throw new UserError(`--name must be ${NAME_RULE} (got "${name}")`);
  const market = (v.market ?? 'SOL-PERP').toUpperCase();
  if (strategy === 'grid' && !marketSymbols().includes(market)) {
    throw new UserError(`--market must be one of ${marketSymbols().join(', ')} (got "${v.market}")`);
  }
  if (strategy === 'spread' && v.market !== undefined) {
    throw new UserError('--market is for grid bots; a spread bot trades DRIFT-PERP and KMNO-PERP');
  }
  const collateral = v.collateral === undefined ? 1000 : Number(v.collateral);
  if (!(collateral > 0 && collateral <= 1e9)) {
    throw new UserError(`--collateral must be USDC > 0 and ≤ 1e9 (got "${v.collateral}")`);
  }
  const file = parsed.positionals[0] ?? `${name}.yaml`;
  if (existsSync(file) && !v.force) throw new UserError(`${file} exists; pass --force to overwrite it`);
  const text = renderInitConfig({ strategy, name, market, collateral });
  parseBotConfig(parseConfigText(text, file), file); // what we write must be valid
  writeFileAtomic(file, text);
  console.log(`wrote ${file}: ${strategy} bot "${name}"${strategy === 'grid' ? ` on ${market}` : ''}`);
  console.log(`check it: zero-perps validate ${file}   run it: zero-perps start --config ${file}`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      strategy: { type: 'string' },
      name: { type: 'string' },
      market: { type: 'string' },
      collateral: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
