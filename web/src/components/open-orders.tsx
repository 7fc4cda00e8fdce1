import type { OpenOrder } from '../api.ts';
import { fmtNumber, fmtPrice, rawValue } from '../format.ts';

/** The live ladder as the venue reports it, highest price first. */
export function OpenOrders(props: { orders: OpenOrder[] }) {
  const rows = [...props.orders].sort((a, b) => b.price - a.price);
  return (
    <div class="panel">
      <h2>
        Open orders <span data-testid="open-orders-count">{rows.length}</span>
      </h2>
      <div class="table-wrap scroll-y">
        <table data-testid="open-orders" data-count={rows.length}>
          <thead>
            <tr>
              <th>Id</th>
              <th>Market</th>
              <th>Side</th>
              <th class="num">Price</th>
              <th class="num">Base</th>
              <th>Flags</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No open orders.
                </td>
              </tr>
            )}
            {rows.map((o) => (
              <tr key={o.id} data-testid="open-order" data-order-id={o.id}>
                <td>{o.id}</td>
                <td>{o.market}</td>
                <td class={o.side === 'buy' ? 'pos' : 'neg'}>{o.side}</td>
                <td class="num" data-testid="order-price" data-value={rawValue(o.price)}>
                  {fmtPrice(o.price)}
                </td>
                <td class="num" data-testid="order-base" data-value={rawValue(o.base)}>
                  {fmtNumber(o.base)}
                </td>
                <td>
                  {[o.reduceOnly ? 'reduce-only' : '', o.postOnly ? 'post-only' : '']
                    .filter(Boolean)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
