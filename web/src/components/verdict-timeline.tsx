import type { VerdictRow } from '../api.ts';
import { fmtNumber, fmtTime } from '../format.ts';
import type { Paged } from './paged.ts';

const KIND_CLASS: Record<VerdictRow['kind'], string> = {
  APPROVE: 'normal',
  CLAMP: 'normal',
  REDUCE_ONLY: 'reduce_only',
  PAUSE: 'paused',
};

/** Risk verdicts, newest first (recorded when the kind or the reasons change), with their reasons. */
export function VerdictTimeline(props: { verdicts: Paged<VerdictRow> }) {
  const v = props.verdicts;
  return (
    <div class="panel">
      <h2>Verdict timeline</h2>
      {v.live.error && <p class="error">{v.live.error}</p>}
      <ul class="timeline" data-testid="verdict-timeline" data-count={v.items.length}>
        {v.items.length === 0 && <li class="muted">No verdicts yet.</li>}
        {v.items.map((row) => (
          <li key={row.id} data-testid="verdict-row" data-kind={row.kind}>
            <span class="when">{fmtTime(row.ts)}</span>
            <span class="what">
              <span class={`badge ${KIND_CLASS[row.kind]}`}>{row.kind}</span>{' '}
              <span class="muted" data-testid="verdict-band">
                allowed {fmtNumber(row.band.minBase)} … {fmtNumber(row.band.maxBase)}, preferred{' '}
                {fmtNumber(row.band.preferredBase)} (base)
              </span>
              {row.reasons.length > 0 && (
                <ul class="reasons">
                  {row.reasons.map((r) => (
                    <li key={`${r.rule}-${r.action}`}>
                      {r.rule}: {r.message}
                    </li>
                  ))}
                </ul>
              )}
            </span>
          </li>
        ))}
      </ul>
      {v.hasMore && (
        <div class="pager">
          <button type="button" data-testid="verdicts-more" disabled={v.loadingMore} onClick={v.loadMore}>
            Older verdicts
          </button>
        </div>
      )}
    </div>
  );
}
