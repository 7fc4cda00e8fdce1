import { useState } from 'preact/hooks';
import { type BotDetail, type Command, sendCommand } from '../api.ts';
import { readToken } from '../token.ts';

/**
 * Pause / Resume / Reduce-only, and for a spread bot not HEALTHY, Reset health (the operator's way out of a
 * persisted EMERGENCY). Each needs the API token; the answer (or the error) is shown beside them.
 */
export function CommandBar(props: { bot: BotDetail; done: () => void; tokenVersion: number }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const hasToken = props.tokenVersion >= 0 && readToken() !== null;
  const m = props.bot.manual;
  const health = props.bot.spread?.health;

  const run = (command: Command, label: string) => {
    setBusy(true);
    setStatus(null);
    sendCommand(props.bot.id, command)
      .then(() => setStatus({ ok: true, text: `${label}: sent` }))
      .catch((e: unknown) => setStatus({ ok: false, text: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        setBusy(false);
        props.done();
      });
  };

  return (
    <div class="controls">
      {!hasToken && <span class="status">enter the API token to send commands</span>}
      {status && (
        <span
          class={`status ${status.ok ? '' : 'neg'}`}
          data-testid="command-status"
          data-ok={String(status.ok)}
        >
          {status.text}
        </span>
      )}
      <button
        type="button"
        class="danger"
        data-testid="btn-pause"
        disabled={busy || !hasToken || m.pause}
        onClick={() => run({ kind: 'pause' }, 'pause')}
      >
        Pause
      </button>
      <button
        type="button"
        data-testid="btn-resume"
        disabled={busy || !hasToken || (!m.pause && !m.reduceOnly)}
        onClick={() => run({ kind: 'resume' }, 'resume')}
      >
        Resume
      </button>
      <button
        type="button"
        data-testid="btn-reduce-only"
        aria-pressed={m.reduceOnly}
        disabled={busy || !hasToken}
        onClick={() =>
          run({ kind: 'reduce-only', on: !m.reduceOnly }, m.reduceOnly ? 'reduce-only off' : 'reduce-only')
        }
      >
        {m.reduceOnly ? 'Reduce-only: on' : 'Reduce-only'}
      </button>
      {health !== undefined && (
        <button
          type="button"
          class={health === 'EMERGENCY' ? 'danger' : ''}
          data-testid="btn-reset-health"
          title={props.bot.spread?.healthReason || undefined}
          disabled={busy || !hasToken || health === 'HEALTHY'}
          onClick={() => run({ kind: 'reset-health' }, 'health reset')}
        >
          Reset health
        </button>
      )}
    </div>
  );
}
