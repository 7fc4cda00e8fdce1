/**
 * A small tooltip that follows the crosshair inside a chart's box: `lines(time)` says what to show at a
 * charted time (null hides it). Text only (textContent), so nothing from the data is parsed as HTML.
 */
import type { IChartApi, MouseEventParams, Time } from 'lightweight-charts';
import { fmtTime } from '../format.ts';

export function attachTooltip(
  chart: IChartApi,
  box: HTMLElement,
  lines: (time: number) => string[] | null,
): void {
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.dataset.testid = 'chart-tooltip';
  tip.hidden = true;
  box.appendChild(tip);
  chart.subscribeCrosshairMove((p: MouseEventParams<Time>) => {
    const body = p.time === undefined || p.point === undefined ? null : lines(p.time as number);
    if (body === null || p.point === undefined || p.point.x < 0 || p.point.y < 0) {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren(
      ...[fmtTime((p.time as number) * 1000), ...body].map((text, i) => {
        const line = document.createElement('div');
        line.textContent = text;
        if (i === 0) line.className = 'when';
        return line;
      }),
    );
    tip.hidden = false;
    // Beside the cursor, flipped to the other side near the box's right or bottom edge.
    const gap = 12;
    let x = p.point.x + gap;
    if (x + tip.offsetWidth > box.clientWidth) x = Math.max(0, p.point.x - tip.offsetWidth - gap);
    let y = p.point.y + gap;
    if (y + tip.offsetHeight > box.clientHeight) y = Math.max(0, p.point.y - tip.offsetHeight - gap);
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  });
}
