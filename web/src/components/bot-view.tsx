import { type BotDetail, getBot, getFills, getHistory, getVerdicts } from '../api.ts';
import { fmtNumber, fmtPct, fmtPrice, fmtTime, fmtUsd, signClass } from '../format.ts';
import { useLive } from '../live.ts';
import { ArchiveButton } from './archive-button.tsx';
import { CommandBar } from './command-bar.tsx';
import { EquityChart } from './equity-chart.tsx';
import { Field } from './field.tsx';
import { FillsTable } from './fills-table.tsx';
import { ObjectiveHistory } from './objective-history.tsx';
import { OpenOrders } from './open-orders.tsx';
import { usePaged } from './paged.ts';
import { PriceChart } from './price-chart.tsx';
import { RiskBadge } from './risk-badge.tsx';
import { StrategyPanel } from './strategy-panel.tsx';
import { VerdictTimeline } from './verdict-timeline.tsx';

const EMPTY: never[] = [];

/** One bot, live: position, margin, PnL, risk, strategy, charts, orders, fills, verdicts and the controls. */
export function BotView(props: { id: string; tokenVersion: number }) {
  const id = props.id;
  const bot = useLive(() => getBot(id), `bot:${id}`);
  const history = useLive(() => getHistory(id), `history:${id}`);
  const fills = usePaged((before) => getFills(id, 50, before), `fills:${id}`);
  const verdicts = usePaged((before) => getVerdicts(id, 30, before), `verdicts:${id}`);
  const b = bot.data;

  if (b === undefined) {
    return (
      <section>
        <p>
          <a href="#/">← all bots</a>
        </p>
        {bot.error ? <p class="error">{bot.error}</p> : <p class="muted">Loading…</p>}
      </section>
    );
  }
  return (
    <section data-testid="bot-view" data-bot-id={b.id}>
      <div class="bot-head">
        <a href="#/" data-testid="back">
          ← all bots
        </a>
        <h2 data-testid="bot-title">{b.name}</h2>
        <span class="muted">
          {b.strategy} · {b.markets.join(' / ')} · {b.mode} · <span data-testid="bot-status">{b.status}</span>
        </span>
        <RiskBadge state={b.riskState} />
        <CommandBar bot={b} done={bot.refresh} tokenVersion={props.tokenVersion} />
      </div>
      {bot.error && <p class="error">stale: {bot.error}</p>}
      <div class="grid">
        <PositionPanel bot={b} />
        <MarginPanel bot={b} />
        <PnlPanel bot={b} />
        <RiskPanel bot={b} />
        <StrategyPanel bot={b} />
        <ObjectiveHistory id={b.id} currentVersion={b.objectiveVersion} />
      </div>
      <div class="charts">
        <div class="panel">
          <h2>Price · {b.position.market}</h2>
          <PriceChart
            history={history.data ?? EMPTY}
            orders={b.openOrders}
            fills={fills.live.data?.items ?? EMPTY}
            liqPrice={b.liqPrice}
            range={b.range}
            market={b.position.market}
          />
        </div>
        <div class="panel">
          <h2>Equity (USDC)</h2>
          <EquityChart history={history.data ?? EMPTY} />
        </div>
      </div>
      <div class="charts">
        <OpenOrders orders={b.openOrders} />
        <VerdictTimeline verdicts={verdicts} />
      </div>
      <div class="section">
        <FillsTable fills={fills} />
      </div>
      <div class="bot-foot">
        <p class="status">
          updated <span data-testid="bot-ts">{fmtTime(b.ts)}</span>
        </p>
        <ArchiveButton id={b.id} name={b.name} tokenVersion={props.tokenVersion} />
      </div>
    </section>
  );
}

function PositionPanel(props: { bot: BotDetail }) {
  const p = props.bot.position;
  const others = props.bot.positions.filter((x) => x.market !== p.market);
  return (
    <div class="panel">
      <h2>Position · {p.market}</h2>
      <dl class="fields">
        <Field label="Size (base)" testid="position-base" value={p.base} cls={signClass(p.base)}>
          {fmtNumber(p.base)}
        </Field>
        <Field label="Entry price" testid="entry-price" value={p.entryPrice}>
          {fmtPrice(p.entryPrice)}
        </Field>
        <Field label="Mark" testid="mark-price" value={p.markPrice}>
          {fmtPrice(p.markPrice)}
        </Field>
        <Field label="Oracle" testid="oracle-price" value={p.oraclePrice}>
          {fmtPrice(p.oraclePrice)}
        </Field>
        {others.map((o) => (
          <Field
            key={o.market}
            label={`${o.market} size`}
            testid={`position-base-${o.market}`}
            value={o.base}
          >
            {fmtNumber(o.base)} @ {fmtPrice(o.entryPrice)}
          </Field>
        ))}
      </dl>
    </div>
  );
}

function MarginPanel(props: { bot: BotDetail }) {
  const b = props.bot;
  return (
    <div class="panel">
      <h2>Margin</h2>
      <dl class="fields">
        <Field label="Leverage (incl. open orders)" testid="leverage" value={b.leverage} hint={LEVERAGE_HINT}>
          {fmtNumber(b.leverage, 2)}×
        </Field>
        <Field label="Liquidation price" testid="liq-price" value={b.liqPrice}>
          {b.liqPrice === null ? 'none' : fmtPrice(b.liqPrice)}
        </Field>
        <Field label="Distance to liq." testid="liq-distance" value={b.liqDistancePct}>
          {b.liqDistancePct === null ? '—' : fmtPct(b.liqDistancePct)}
        </Field>
        <Field label="Health" testid="health" value={b.health}>
          {fmtNumber(b.health, 1)} / 100
        </Field>
        <Field label="Collateral" testid="collateral" value={b.collateral}>
          {fmtUsd(b.collateral).replace('+', '')}
        </Field>
        <Field label="Equity" testid="equity" value={b.equity}>
          {fmtUsd(b.equity).replace('+', '')}
        </Field>
      </dl>
      <p class="hint" data-testid="leverage-note">
        {LEVERAGE_HINT}
      </p>
    </div>
  );
}

const LEVERAGE_HINT =
  "Leverage is Drift's figure: the position as if every open order on its side filled, over the account value " +
  '— so a resting ladder raises it before anything trades.';

function PnlPanel(props: { bot: BotDetail }) {
  const pnl = props.bot.pnl;
  return (
    <div class="panel">
      <h2>PnL (USDC)</h2>
      <dl class="fields">
        <Field
          label="Unrealized"
          testid="pnl-unrealized"
          value={pnl.unrealized}
          cls={signClass(pnl.unrealized)}
        >
          {fmtUsd(pnl.unrealized)}
        </Field>
        <Field label="Realized" testid="pnl-realized" value={pnl.realized} cls={signClass(pnl.realized)}>
          {fmtUsd(pnl.realized)}
        </Field>
        <Field label="Funding" testid="pnl-funding" value={pnl.funding} cls={signClass(pnl.funding)}>
          {fmtUsd(pnl.funding)}
        </Field>
        <Field label="Fees paid" testid="pnl-fees" value={pnl.fees}>
          {fmtUsd(pnl.fees)}
        </Field>
        <Field label="Total" testid="pnl-total" value={pnl.total} cls={signClass(pnl.total)}>
          {fmtUsd(pnl.total)}
        </Field>
      </dl>
    </div>
  );
}

function RiskPanel(props: { bot: BotDetail }) {
  const b = props.bot;
  return (
    <div class="panel">
      <h2>Risk</h2>
      <dl class="fields">
        <Field label="State" testid="risk-state" value={null}>
          <RiskBadge state={b.riskState} testid="risk-badge-detail" />
        </Field>
        <Field label="Last verdict" testid="verdict" value={null}>
          {b.verdict ?? '—'}
        </Field>
        <Field label="Manual" testid="manual" value={null}>
          {b.manual.pause ? 'paused' : b.manual.reduceOnly ? 'reduce-only' : 'off'}
        </Field>
      </dl>
      <ul class="reasons" data-testid="risk-reasons" data-count={b.riskReasons.length}>
        {b.riskReasons.length === 0 && <li>no limit tripped</li>}
        {b.riskReasons.map((r) => (
          <li key={`${r.rule}-${r.action}`} data-testid="risk-reason" data-rule={r.rule}>
            <strong>{r.rule}</strong> {r.action}: {r.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
