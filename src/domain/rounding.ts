/**
 * The one place where prices meet the tick and sizes meet the step.
 * Bids round down and asks round up, so rounding never makes an order more aggressive than asked.
 * Sizes round down, so rounding never makes an order larger than asked.
 */
import { BASE_DECIMALS, divCeil, divFloor, PRICE_DECIMALS } from './precision.ts';
import type { Side } from './types.ts';

/** Price (PRICE precision) onto the tick: buy side down, sell side up. */
export function roundPriceToTick(price: bigint, tick: bigint, side: Side): bigint {
  return side === 'buy' ? divFloor(price, tick) * tick : divCeil(price, tick) * tick;
}

/** Size (BASE precision, unsigned) down onto the step. */
export function roundSizeToStep(size: bigint, step: bigint): bigint {
  if (size < 0n) throw new RangeError('size must be unsigned; carry direction in the side');
  return (size / step) * step;
}

/**
 * A float this close to a whole number of ticks counts as that number: 100.3 is 100299999.99999999
 * micro-dollars in binary, and flooring that would lose a whole tick. The tolerance is far above binary
 * noise (~1e-16 relative) and far below a tick.
 */
const snapTolerance = (ticks: number): number => 1e-9 + Math.abs(ticks) * 1e-13;

/** 10^decimals of the two precisions the float helpers scale by: the doubles `10 ** decimals` makes, made once. */
const PRICE_SCALE = 10 ** PRICE_DECIMALS;
const BASE_SCALE = 10 ** BASE_DECIMALS;

/** `value` in whole `unit`s of a precision scaled by `scale`, snapped to a whole count within the tolerance. */
function unitsOf(value: number, scale: number, unit: number): number {
  const x = (value * scale) / unit;
  const r = Math.round(x);
  return Math.abs(x - r) <= snapTolerance(x) ? r : x;
}

/** Float price → tick-aligned integer price (PRICE precision) for the given side. */
export function priceOnTick(price: number, tick: bigint, side: Side): bigint {
  return BigInt(ticksOnTick(price, tick, side)) * tick;
}

/**
 * priceOnTick in whole ticks, as a number: `priceOnTick(price, tick, side) === BigInt(ticksOnTick(...)) * tick`.
 * For comparing a price with one already made without a BigInt (the grid ladder). `tickNumber` is Number(tick),
 * passed by a caller that converts its market's units once for many levels (the ladder), here and below.
 */
export function ticksOnTick(price: number, tick: bigint, side: Side, tickNumber = Number(tick)): number {
  if (!Number.isFinite(price)) throw new RangeError(`price ${price} is not a finite number`);
  const t = unitsOf(price, PRICE_SCALE, tickNumber);
  return side === 'buy' ? Math.floor(t) : Math.ceil(t);
}

/**
 * Whether `value === BigInt(count) * unit`, answered in numbers where that is exact (the product a safe
 * integer: then a `value` at or past 2^53 converts to at least 2^53 and cannot compare equal), else by BigInt.
 * Saves the two BigInts a comparison would otherwise make (the grid ladder compares every level it lays).
 */
export function isCountOf(value: bigint, count: number, unit: bigint, unitNumber = Number(unit)): boolean {
  const product = count * unitNumber;
  return Number.isSafeInteger(product) ? Number(value) === product : value === BigInt(count) * unit;
}

/** Whether `BigInt(count) * unit < limit`, in numbers where that is exact (both sides safe integers). */
export function isCountBelow(
  count: number,
  unit: bigint,
  limit: bigint,
  unitNumber = Number(unit),
  limitNumber = Number(limit),
): boolean {
  const product = count * unitNumber;
  return Number.isSafeInteger(product) && Number.isSafeInteger(limitNumber)
    ? product < limitNumber
    : BigInt(count) * unit < limit;
}

/** Float size (sign ignored) → step-aligned integer size (BASE precision), rounded down. */
export function sizeOnStep(size: number, step: bigint): bigint {
  return BigInt(stepsOnStep(size, step)) * step;
}

/**
 * sizeOnStep in whole steps, as a number: `sizeOnStep(size, step) === BigInt(stepsOnStep(size, step)) * step`.
 * For sums of sizes without a BigInt per term (the grid ladder); a count of steps beyond 2^53 (nine million SOL at
 * the finest step) is refused, so the integer arithmetic on counts is exact.
 */
export function stepsOnStep(size: number, step: bigint, stepNumber = Number(step)): number {
  if (!Number.isFinite(size)) throw new RangeError(`size ${size} is not a finite number`);
  const steps = Math.floor(unitsOf(Math.abs(size), BASE_SCALE, stepNumber));
  if (!Number.isSafeInteger(steps)) throw new RangeError(`size ${size} is beyond 2^53 steps of ${step}`);
  return steps;
}

export const isOnTick = (price: bigint, tick: bigint): boolean => price % tick === 0n;
export const isOnStep = (size: bigint, step: bigint): boolean => size % step === 0n;
