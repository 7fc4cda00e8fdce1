import type { Fill } from '../api.ts';
import { fmtNumber, fmtPrice, fmtTime, fmtUsd } from '../format.ts';
import type { Paged } from './paged.ts';

export function FillsTable(props: { fills: Paged<Fill> }) {
  const f = props.fills;
  return (
    <div class="panel">
      <h2>Fills</h2>
      {f.live.error && <p class="error">{f.live.error}</p>}
      <div class="table-wrap scroll-y">
        <table data-testid="fills-table" data-count={f.items.length}>
          <thead>
            <tr>
              <th>Time</th>
              <th>Market</th>
              <th>Side</th>
              <th class="num">Price</th>
              <th class="num">Base</th>
              <th class="num">Fee paid</th>
              <th>Role</th>
            </tr>
          </thead>
          <tbody>
            {f.items.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  No fills yet.
                </td>
              </tr>
            )}
            {f.items.map((x) => (
              <tr key={x.id} data-testid="fill-row">
                <td>{fmtTime(x.ts)}</td>
                <td>{x.market}</td>
                <td class={x.side === 'buy' ? 'pos' : 'neg'}>{x.side}</td>
                <td class="num">{fmtPrice(x.price)}</td>
                <td class="num">{fmtNumber(x.base)}</td>
                <td class="num">{fmtUsd(x.fee, 4)}</td>
                <td>
                  {x.maker ? 'maker' : 'taker'}
                  {x.reduceOnly ? ' · RO' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {f.hasMore && (
        <div class="pager">
          <button type="button" data-testid="fills-more" disabled={f.loadingMore} onClick={f.loadMore}>
            Older fills
          </button>
        </div>
      )}
    </div>
  );
}
