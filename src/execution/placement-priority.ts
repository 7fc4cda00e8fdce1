/**
 * The open-order cap by placement priority: which kept orders stay, and which new orders are placed, when not
 * all of them fit.
 */
import type { DesiredOrder } from '../domain/snapshot.ts';

/** Placement priority: level 0 (defense, reduction) first, taker before maker, then nearest level. */
const priority = (o: DesiredOrder): number => (o.level === 0 ? (o.taker ? 0 : 1) : 1 + o.level);

/**
 * Stable in-place sort by placement priority, as `Array.prototype.sort` with a priority comparator would give;
 * a plain insertion sort with the keys computed once is cheaper for the ≤ 64 orders of a plan.
 */
function sortByPriority(orders: DesiredOrder[]): void {
  const keys = orders.map(priority);
  for (let i = 1; i < orders.length; i++) {
    const o = orders[i];
    const k = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > k) {
      orders[j + 1] = orders[j];
      keys[j + 1] = keys[j];
      j--;
    }
    orders[j + 1] = o;
    keys[j + 1] = k;
  }
}

/** Kept orders alone over the cap: the lowest-priority ones past it are not kept after all (keptBy −1). */
export function dropLowestPriorityKept(
  wanted: readonly DesiredOrder[],
  keptBy: Int32Array,
  keptOrder: Int32Array,
  kept: number,
  cap: number,
): void {
  const byPriority = Array.from(keptOrder.subarray(0, kept));
  byPriority.sort(
    (a, b) =>
      priority(wanted[keptBy[a] as number] as DesiredOrder) -
      priority(wanted[keptBy[b] as number] as DesiredOrder),
  );
  for (let k = cap; k < byPriority.length; k++) keptBy[byPriority[k] as number] = -1;
}

/** The wanted orders no live order is kept for, highest priority first, at most `room` of them. */
export function unmatchedByPriority(
  wanted: readonly DesiredOrder[],
  matchedD: Uint8Array,
  room: number,
): DesiredOrder[] {
  let toPlace: DesiredOrder[] = [];
  for (let di = 0; di < wanted.length; di++) if (matchedD[di] === 0) toPlace.push(wanted[di] as DesiredOrder);
  sortByPriority(toPlace);
  if (toPlace.length > room) toPlace = toPlace.slice(0, room);
  return toPlace;
}
