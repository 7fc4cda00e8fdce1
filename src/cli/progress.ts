/**
 * A progress bar on stderr for long work: drawn only on a TTY, and only once the work has run for a second
 * (short runs stay quiet). Off a TTY it prints nothing.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let drawn = false;
  let lastPct = -1;
  return {
    update(done: number, total: number): void {
      if (!stream.isTTY || Date.now() - started < 1000 || total <= 0) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === lastPct) return;
      lastPct = pct;
      drawn = true;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct}%`);
    },
    done(): void {
      if (drawn) stream.write('\n');
    },
  };
}
