import { useState } from 'preact/hooks';
import { archiveBot } from '../api.ts';
import { readToken } from '../token.ts';

/**
 * Archive (DELETE /api/bots/:id) in two steps: "Archive…" asks, "Archive now" sends. On success the page goes
 * back to the overview; an error (wrong token, a runner without the route) is shown beside the buttons.
 */
export function ArchiveButton(props: { id: string; name: string; tokenVersion: number }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hasToken = props.tokenVersion >= 0 && readToken() !== null;

  const archive = () => {
    setBusy(true);
    setError(null);
    archiveBot(props.id)
      .then(() => {
        location.hash = '#/';
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        setBusy(false);
        setAsking(false);
      });
  };

  return (
    <div class="archive" data-testid="archive">
      {error && (
        <span class="status neg" data-testid="archive-error">
          {error}
        </span>
      )}
      {asking ? (
        <>
          <span class="status" data-testid="archive-question">
            Archive {props.name}? It stops trading and leaves the list; its records stay in the database.
          </span>
          <button
            type="button"
            class="danger"
            data-testid="btn-archive-confirm"
            disabled={busy}
            onClick={archive}
          >
            Archive now
          </button>
          <button
            type="button"
            data-testid="btn-archive-cancel"
            disabled={busy}
            onClick={() => setAsking(false)}
          >
            Cancel
          </button>
        </>
      ) : (
        <button
          type="button"
          class="danger"
          data-testid="btn-archive"
          disabled={!hasToken}
          title={hasToken ? 'Stop this bot and remove it from the list' : 'Enter the API token first'}
          onClick={() => setAsking(true)}
        >
          Archive…
        </button>
      )}
    </div>
  );
}
