import { useState } from 'preact/hooks';
import { type PreviewResult, previewBot } from '../api.ts';
import { PreviewResultTable } from './preview-result-table.tsx';

/** An example to start from: the shipped SOL grid (JSON, as the API takes it). */
const EXAMPLE = JSON.stringify(
  {
    name: 'sol-grid-preview',
    strategy: 'grid',
    market: 'SOL-PERP',
    collateral: 1000,
    grid: { levels: 10, stepPct: 0.5, baseSizePerLevel: 0.5, rangeMode: 'bounded' },
    risk: { maxLeverage: 3, maxDailyLoss: 100 },
  },
  null,
  2,
);

/**
 * "What could this config do?" before it is started: a Monte Carlo of the config on resampled recent market
 * data (POST /api/bots/preview), shown as the probability of liquidation and of the daily-loss limit, and the
 * spread of PnL.
 */
export function PreviewPanel() {
  const [text, setText] = useState(EXAMPLE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<PreviewResult | null>(null);

  const run = () => {
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch {
      setError('the config is not valid JSON');
      return;
    }
    setBusy(true);
    setError(null);
    previewBot(config, 40)
      .then(setResult)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };

  const mc = result?.monteCarlo;
  return (
    <section class="panel" data-testid="preview-panel" style="margin-top:16px">
      <h2>Preview a config's risk</h2>
      <p class="muted">
        A bot config (JSON) run on 40 resampled paths of the last 7 days of its market, before you start it.
      </p>
      <textarea
        data-testid="preview-config"
        rows={10}
        spellcheck={false}
        style="width:100%;font-family:monospace;font-size:12px"
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
      />
      <div class="controls">
        <button type="button" data-testid="btn-preview" disabled={busy} onClick={run}>
          {busy ? 'Running…' : 'Preview risk'}
        </button>
        {error && (
          <span class="status neg" data-testid="preview-error">
            {error}
          </span>
        )}
      </div>
      {mc && result && <PreviewResultTable result={result} />}
    </section>
  );
}
