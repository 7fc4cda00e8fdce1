/** The price chart's legend: what each line and marker is, and how many fills the markers stand for. */
export function PriceChartLegend(props: { drawn: number; onChart: number }) {
  const { drawn, onChart } = props;
  return (
    <div class="legend">
      <span>
        <i class="swatch sw-mark" />
        mark
      </span>
      <span>
        <i class="swatch sw-range" />
        range band
      </span>
      <span>
        <i class="swatch sw-bid" />
        bids
      </span>
      <span>
        <i class="swatch sw-ask" />
        asks
      </span>
      <span>
        <i class="swatch sw-liq" />
        liquidation
      </span>
      <span>▲▼ fills{drawn < onChart ? ` (${onChart} in ${drawn} markers)` : ''}</span>
    </div>
  );
}
