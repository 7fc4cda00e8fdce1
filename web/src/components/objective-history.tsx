import { useEffect, useState } from 'preact/hooks';
import { ApiError, type FieldChange, getObjectives, type ObjectiveVersion } from '../api.ts';
import { fmtTime, fmtValue } from '../format.ts';

type State =
  | { kind: 'closed' }
  | { kind: 'loading' }
  | { kind: 'loaded'; versions: ObjectiveVersion[] }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/**
 * Every objective version of the bot, newest first, with what changed from the version before
 * (`params.stepPct 0.5 → 0.8`). Loaded when opened, and again when the bot's version changes.
 */
export function ObjectiveHistory(props: { id: string; currentVersion: number }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState<State>({ kind: 'closed' });

  useEffect(() => {
    if (!open) return;
    let alive = true;
    setState((s) => (s.kind === 'loaded' ? s : { kind: 'loading' }));
    getObjectives(props.id).then(
      (versions) => alive && setState({ kind: 'loaded', versions }),
      (e: unknown) => {
        if (!alive) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) setState({ kind: 'missing' });
        else setState({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      alive = false;
    };
  }, [open, props.id, props.currentVersion]);

  return (
    <details
      class="panel wide history"
      data-testid="objective-history"
      data-state={state.kind}
      onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <h2>Objective history · v{props.currentVersion} in force</h2>
      </summary>
      {state.kind === 'loading' && <p class="muted">Loading…</p>}
      {state.kind === 'missing' && (
        <p class="muted" data-testid="objective-history-missing">
          This runner does not serve the objective history (GET /api/bots/:id/objectives).
        </p>
      )}
      {state.kind === 'error' && <p class="error">{state.message}</p>}
      {state.kind === 'loaded' && (
        <ol class="versions">
          {state.versions.map((v) => (
            <li key={v.version} data-testid="objective-version" data-version={v.version}>
              <div class="version-head">
                <strong>v{v.version}</strong>
                {v.version === props.currentVersion && <span class="badge normal">in force</span>}
                <span class="when">{fmtTime(v.createdAt)}</span>
                {v.note && <span class="muted">{v.note}</span>}
              </div>
              {v.diff.length === 0 ? (
                <p class="muted">
                  {v.version === 1 || v.version === lowest(state.versions)
                    ? 'first version'
                    : 'no field changed'}
                </p>
              ) : (
                <ul class="changes">
                  {v.diff.map((c) => (
                    <li key={c.field} data-testid="objective-change" data-field={c.field}>
                      <code>{c.field}</code> {change(c)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

const lowest = (versions: ObjectiveVersion[]) => Math.min(...versions.map((v) => v.version));

function change(c: FieldChange): string {
  if (!('from' in c) || c.from === undefined) return `set to ${fmtValue(c.to)}`;
  if (!('to' in c) || c.to === undefined) return `removed (was ${fmtValue(c.from)})`;
  return `${fmtValue(c.from)} → ${fmtValue(c.to)}`;
}
