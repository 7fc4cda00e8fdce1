import type { BotDetail, SpreadView } from '../api.ts';
import { fmtNumber, fmtPrice, fmtValue, rawValue } from '../format.ts';
import { Field } from './field.tsx';
import { StateBadge } from './risk-badge.tsx';

/** The strategy in force: grid parameters, bias and range; or the spread's legs, z-score and health. */
export function StrategyPanel(props: { bot: BotDetail }) {
  const b = props.bot;
  return b.strategy === 'spread' && b.spread ? (
    <SpreadPanel spread={b.spread} params={b.params} />
  ) : (
    <GridPanel bot={b} />
  );
}

function GridPanel(props: { bot: BotDetail }) {
  const p = props.bot.params;
  const range = props.bot.range ?? null;
  return (
    <div class="panel wide" data-testid="grid-panel">
      <h2>Grid (objective v{props.bot.objectiveVersion})</h2>
      <dl class="fields">
        <Field label="Bias" testid="grid-bias" value={null}>
          {String(p.bias ?? '—')}
        </Field>
        <Field label="Range lo" testid="range-lo" value={range?.lo}>
          {range ? fmtPrice(range.lo) : 'warming up'}
        </Field>
        <Field label="Range hi" testid="range-hi" value={range?.hi}>
          {range ? fmtPrice(range.hi) : 'warming up'}
        </Field>
      </dl>
      <ParamList params={p} skip={['bias']} />
    </div>
  );
}

function SpreadPanel(props: { spread: SpreadView; params: Record<string, unknown> }) {
  const s = props.spread;
  return (
    <div class="panel wide" data-testid="spread-panel">
      <h2>Spread</h2>
      <dl class="fields">
        <Field label="State" testid="spread-health-field" value={null}>
          <StateBadge state={s.health} testid="spread-health" />
        </Field>
        {s.health !== 'HEALTHY' && s.healthReason && (
          <Field label="Why" testid="spread-health-reason" value={null}>
            {s.healthReason}
          </Field>
        )}
        <Field label="Signal z-score" testid="spread-zscore" value={s.zScore}>
          {s.zScore === null ? 'warming up' : fmtNumber(s.zScore, 3)}
        </Field>
        <Field label="Direction" testid="spread-direction" value={null}>
          {s.direction}
        </Field>
      </dl>
      <div class="table-wrap section">
        <table data-testid="spread-legs">
          <thead>
            <tr>
              <th>Leg</th>
              <th class="num">Quantity</th>
              <th class="num">Base</th>
              <th class="num">Intended</th>
              <th class="num">Mark</th>
            </tr>
          </thead>
          <tbody>
            {s.legs.map((l) => (
              <tr key={l.market} data-testid="spread-leg" data-market={l.market}>
                <td>{l.market}</td>
                <td class="num">{fmtNumber(l.quantity)}</td>
                <td class="num" data-testid="leg-base" data-value={rawValue(l.base)}>
                  {fmtNumber(l.base)}
                </td>
                <td class="num" data-testid="leg-intended" data-value={rawValue(l.intendedBase)}>
                  {fmtNumber(l.intendedBase)}
                </td>
                <td class="num">{fmtPrice(l.markPrice)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ParamList params={props.params} skip={[]} />
    </div>
  );
}

/** Every parameter as key/value; nested sections shown compactly. */
function ParamList(props: { params: Record<string, unknown>; skip: string[] }) {
  const entries = Object.entries(props.params).filter(([k]) => !props.skip.includes(k));
  return (
    <dl class="fields section params" data-testid="strategy-params">
      {entries.map(([k, v]) => (
        <Field key={k} label={k} testid={`param-${k}`} value={typeof v === 'number' ? v : null}>
          {fmtValue(v)}
        </Field>
      ))}
    </dl>
  );
}
