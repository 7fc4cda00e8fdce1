/**
 * Progress with an estimated time left, for long research runs. On a terminal one line redrawn in place; off
 * a terminal (logs, CI) a line at every 10%, so a long run never looks dead.
 */
export function etaProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let lastDecile = -1;
  let drawn = false;
  let base = 0;
  return {
    /** `skipped` items were done before this run (resumed): they do not count towards the speed. */
    update(done: number, total: number, skipped = 0): void {
      if (total <= 0) return;
      base = skipped;
      const elapsed = (Date.now() - started) / 1000;
      const rate = done > base ? (done - base) / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : Number.NaN;
      const pct = Math.floor((done / total) * 100);
      const text = `${label} ${done}/${total} (${pct}%) · ${fmtTime(elapsed)} elapsed · ETA ${Number.isNaN(eta) ? '…' : fmtTime(eta)}`;
      if (stream.isTTY) {
        stream.write(`\r${text}\u001b[K`);
        drawn = true;
      } else if (Math.floor(pct / 10) !== lastDecile) {
        lastDecile = Math.floor(pct / 10);
        stream.write(`${text}\n`);
      }
    },
    done(): void {
      if (drawn) stream.write('\n');
    },
  };
}

export function fmtTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
