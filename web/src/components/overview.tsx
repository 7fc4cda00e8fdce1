import { type BotSummary, listBots } from '../api.ts';
import { fmtNumber, fmtUsd, rawValue, signClass } from '../format.ts';
import { useLive } from '../live.ts';
import { RiskBadge } from './risk-badge.tsx';

/** Every bot on one screen: its risk badge, PnL and health; a row opens the bot. */
export function Overview(props: { open: (id: string) => void }) {
  const live = useLive(listBots, 'overview');
  const bots = live.data;
  return (
    <section data-testid="overview">
      {live.error && <p class="error">{live.error}</p>}
      {bots === undefined ? (
        <p class="muted">Loading bots…</p>
      ) : bots.length === 0 ? (
        <p class="muted" data-testid="no-bots">
          No bots are running.
        </p>
      ) : (
        <table data-testid="bot-list" class="cards">
          <thead>
            <tr>
              <th>Bot</th>
              <th>Strategy</th>
              <th>Markets</th>
              <th>Mode</th>
              <th>Status</th>
              <th>Risk</th>
              <th class="num">Equity</th>
              <th class="num">PnL</th>
              <th class="num">Health</th>
            </tr>
          </thead>
          <tbody>
            {bots.map((b) => (
              <BotRow key={b.id} bot={b} open={props.open} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function BotRow(props: { bot: BotSummary; open: (id: string) => void }) {
  const b = props.bot;
  const href = `#/bots/${encodeURIComponent(b.id)}`;
  return (
    <tr class="clickable" data-testid="bot-row" data-bot-id={b.id} onClick={() => props.open(b.id)}>
      <td class="card-title">
        <a href={href} data-testid="bot-link" onClick={(e) => e.stopPropagation()}>
          <span data-testid="bot-name">{b.name}</span>
        </a>
      </td>
      <td data-label="Strategy" data-testid="bot-strategy">
        {b.strategy}
      </td>
      <td data-label="Markets" data-testid="bot-markets">
        {b.markets.join(' / ')}
      </td>
      <td data-label="Mode" data-testid="bot-mode">
        {b.mode}
      </td>
      <td data-label="Status" data-testid="bot-status">
        {b.status}
      </td>
      <td data-label="Risk">
        <RiskBadge state={b.riskState} />
      </td>
      <td class="num" data-label="Equity" data-testid="bot-equity" data-value={rawValue(b.equity)}>
        {fmtUsd(b.equity).replace('+', '')}
      </td>
      <td
        class={`num ${signClass(b.pnl.total)}`}
        data-label="PnL"
        data-testid="bot-pnl"
        data-value={rawValue(b.pnl.total)}
      >
        {fmtUsd(b.pnl.total)}
      </td>
      <td class="num" data-label="Health" data-testid="bot-health" data-value={rawValue(b.health)}>
        {fmtNumber(b.health, 1)}
      </td>
    </tr>
  );
}
