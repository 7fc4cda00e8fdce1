/**
 * The fill models as a user names them on the command line, and the simulator's names for them.
 */
import { UserError } from '../../cli/user-error.ts';
import type { MakerFillRule } from '../../venue/sim/matching.ts';

export const FILL_MODELS: readonly { name: string; rule: MakerFillRule }[] = [
  { name: 'touch', rule: 'touch' },
  { name: 'trade-through', rule: 'tradeThrough' },
  { name: 'queue', rule: 'queue' },
];

const ALIASES: Record<string, MakerFillRule> = {
  touch: 'touch',
  'trade-through': 'tradeThrough',
  tradethrough: 'tradeThrough',
  queue: 'queue',
  'trade-through+queue': 'queue',
};

export function parseFillModel(text: string, flag = '--fill-model'): MakerFillRule {
  const rule = ALIASES[text.trim().toLowerCase()];
  if (!rule) {
    throw new UserError(
      `${flag}: unknown fill model "${text}" (known: touch, trade-through, queue — queue is trade-through + queue)`,
    );
  }
  return rule;
}

/** `all` or a comma list → the models in their canonical order, without repeats. */
export function parseFillModels(text: string): MakerFillRule[] {
  if (text.trim().toLowerCase() === 'all') return FILL_MODELS.map((m) => m.rule);
  const rules = new Set(text.split(',').map((t) => parseFillModel(t, '--fill-models')));
  return FILL_MODELS.map((m) => m.rule).filter((r) => rules.has(r));
}

export const fillModelName = (rule: MakerFillRule): string =>
  FILL_MODELS.find((m) => m.rule === rule)?.name ?? rule;
