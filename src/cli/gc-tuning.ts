/**
 * One V8 setting for the long runs (a backtest, the runner): allocation-site pretenuring off.
 *
 * V8 watches where objects are allocated, and when most objects from one site survive, it starts allocating
 * that site's objects straight into the old generation, where only a full collection frees them. Our long
 * runs first load data that lives for the whole run (a year of bars, a week of range samples per market), then
 * make short-lived objects per bar at many of the same sites; once pretenured, those piled up as old garbage.
 * Measured (docs/backtest.md "Speed", docs/runner.md "Capacity"): a generated year's backtest peaked at 0.9–1.1
 * GiB in about half the runs against ~0.53 GiB in every run with it off; 1,000 paper bots held 577–612 MiB
 * against 425–451 MiB, with the slowest bars (p99) 137 ms against 115–129 ms. Speed was unchanged otherwise.
 * The flag is read at each collection, so setting it at the start of a command is enough.
 */
import { setFlagsFromString } from 'node:v8';

export function quietOldGeneration(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
