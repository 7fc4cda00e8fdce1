/** A config preview's figures: the probabilities of liquidation and of the daily-loss limit, PnL, drawdown, data. */
import type { PreviewResult } from '../api.ts';
import { fmtUsd } from '../format.ts';

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

export function PreviewResultTable(props: { result: PreviewResult }) {
  const { result } = props;
  const mc = result.monteCarlo;
  return (
    <table data-testid="preview-result">
      <tbody>
        <tr>
          <td>Probability of liquidation</td>
          <td class={`num ${mc.liquidation.p > 0 ? 'neg' : ''}`} data-testid="preview-liquidation">
            {pct(mc.liquidation.p)} ({mc.liquidation.count}/{mc.paths}; 95% {pct(mc.liquidation.low)}–
            {pct(mc.liquidation.high)})
          </td>
        </tr>
        <tr>
          <td>Probability the daily-loss limit trips</td>
          <td class="num" data-testid="preview-daily-loss">
            {pct(mc.dailyLossTrip.p)} ({mc.dailyLossTrip.count}/{mc.paths})
          </td>
        </tr>
        <tr>
          <td>PnL: 5% · median · 95%</td>
          <td class="num" data-testid="preview-pnl">
            {fmtUsd(mc.pnlQuantiles.p5)} · {fmtUsd(mc.pnlQuantiles.p50)} · {fmtUsd(mc.pnlQuantiles.p95)}
          </td>
        </tr>
        <tr>
          <td>Max drawdown: median · 95%</td>
          <td class="num">
            {mc.maxDrawdownPctQuantiles.p50.toFixed(2)}% · {mc.maxDrawdownPctQuantiles.p95.toFixed(2)}%
          </td>
        </tr>
        <tr>
          <td>Data</td>
          <td class="num">
            {result.markets.join(' / ')} {result.window.from.slice(0, 10)} → {result.window.to.slice(0, 10)} (
            {result.window.bars} bars)
          </td>
        </tr>
      </tbody>
    </table>
  );
}
