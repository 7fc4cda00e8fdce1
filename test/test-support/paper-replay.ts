/**
 * The parts of the paper-to-backtest replay tests (test/replay/): a paper runner on the shipped replay data, the
 * order commands its journal holds, the same bot's commands from the backtest engine over the same data, and a
 * command as comparable text.
 */
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import type { BotConfig } from '../../src/config/bot-config.ts';
import { eventTime } from '../../src/data/merge.ts';
import type { MarketEvent } from '../../src/data/types.ts';
import type { OrderCommand } from '../../src/domain/types.ts';
import { createLogger } from '../../src/log/index.ts';
import { paperReplayFactory } from '../../src/modes/paper.ts';
import { RunnerMetrics } from '../../src/runner/metrics.ts';
import { defaultWarmupMs } from '../../src/runner/paper-driver.ts';
import { Runner } from '../../src/runner/runner.ts';
import { readJournal } from '../../src/store/journal.ts';
import type { TestDb } from '../../src/store/test-support/test-db.ts';

/** An order command sent at `ts` (data time). */
export interface TimedCommand {
  ts: number;
  c: OrderCommand;
}

/** A paper runner replaying the shipped data at one data hour per tick second, keeping its whole journal. */
export function paperReplayRunner(t: TestDb): Runner {
  return new Runner({
    db: t.db,
    mode: 'paper',
    openBot: paperReplayFactory({ speed: 3600, loop: false }),
    metrics: new RunnerMetrics(),
    retainMs: 0, // the whole journal is compared: nothing may be pruned by data age
    logger: (botId) => createLogger({ write: () => {}, botId }),
  });
}

/** The order commands `bot`'s journal holds, in order, and the time of its last entry of any kind. */
export async function journaledCommands(
  t: TestDb,
  bot: string,
): Promise<{ commands: TimedCommand[]; lastTs: number }> {
  const journal = await readJournal<{ command?: OrderCommand }>(t.db, bot, { limit: 1_000_000 });
  const commands = journal
    .filter((j) => j.kind === 'command' && j.payload.command)
    .map((j) => ({ ts: j.ts, c: j.payload.command as OrderCommand }));
  return { commands, lastTs: journal.at(-1)?.ts ?? 0 };
}

/**
 * The commands the backtest engine sends for `config` over `events` up to `untilTs`, warmed up as the paper
 * runner warms up; with the warm-up's end (the first time either may trade).
 */
export function backtestCommands(
  config: BotConfig,
  events: readonly MarketEvent[],
  untilTs: number,
  replayFunding: boolean,
): { commands: TimedCommand[]; warmupUntil: number } {
  const warmupUntil =
    eventTime(events[0]) + defaultWarmupMs({ config } as Parameters<typeof defaultWarmupMs>[0]);
  const commands: TimedCommand[] = [];
  runBacktest({
    config,
    events: events.filter((e) => eventTime(e) <= untilTs),
    replayFunding,
    warmupUntil,
    onDecision: (ts, sent) => {
      for (const c of sent) commands.push({ ts, c });
    },
  });
  return { commands, warmupUntil };
}

/** A command as text with sorted keys (the journal's jsonb does not keep key order). */
export function commandText({ ts, c }: TimedCommand): string {
  return `${ts} ${JSON.stringify(c, (_k, v) =>
    typeof v === 'bigint'
      ? `${v}n`
      : v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
        : v,
  )}`;
}
