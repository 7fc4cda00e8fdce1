/**
 * Timestamp text to epoch milliseconds (UTC), without building a Date per row: a year of 1-minute bars is
 * half a million rows, and Date parsing is both slow and lenient (it accepts local times silently).
 *
 * Accepted: epoch seconds, milliseconds or microseconds as digits (told apart by magnitude), and
 * `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` or the ISO form with `T`, optionally ending in `Z` or a
 * `±HH[:MM]` offset. Text without an offset is UTC.
 */

const MS_PER_DAY = 86_400_000;
/** Below this a plain number is epoch seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;
/** Below this (and above SECONDS_BELOW) a plain number is epoch ms; above it microseconds (newer Binance dumps). */
const MILLIS_BELOW = 1e14;

/** Days from 1970-01-01 to a proleptic Gregorian date (civil-calendar arithmetic with 400-year eras). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `n` ASCII digits at `at`; -1 when any is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Epoch number (s, ms or µs by magnitude) to ms. */
export function epochToMs(n: number): number {
  if (n < SECONDS_BELOW) return n * 1000;
  if (n < MILLIS_BELOW) return n;
  return n / 1000;
}

/**
 * Parses the timestamp in `s[start, end)` (see the module comment) to epoch ms; undefined when it is not one of
 * the accepted forms. Working on offsets lets CSV readers parse straight from the file text.
 */
export function parseTimestampAt(s: string, start: number, end: number): number | undefined {
  while (start < end && s.charCodeAt(start) === 32) start++;
  while (end > start && s.charCodeAt(end - 1) === 32) end--;
  if (start === end) return undefined;
  // Plain digits: epoch s/ms/µs. Integers up to 15 digits are exact in a double, so accumulate directly.
  let v = 0;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (i === end && end - start <= 15) return epochToMs(v);
  if (isPlainNumber(s, start, end)) return epochToMs(Number(s.slice(start, end)));
  return parseDateTime(s, start, end);
}

/** Parses timestamp text (see the module comment) to epoch ms; undefined when it is not one of the forms. */
export function parseTimestamp(raw: string): number | undefined {
  return parseTimestampAt(raw, 0, raw.length);
}

function isPlainNumber(s: string, start: number, end: number): boolean {
  let dots = 0;
  let digitCount = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) dots++;
    else if (c < 48 || c > 57) return false;
    else digitCount++;
  }
  return digitCount > 0 && dots <= 1;
}

function parseDateTime(s: string, base: number, end: number): number | undefined {
  if (end - base < 10 || s.charCodeAt(base + 4) !== 45 || s.charCodeAt(base + 7) !== 45) return undefined;
  const year = digits(s, base, 4);
  const month = digits(s, base + 5, 2);
  const day = digits(s, base + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  let i = base + 10;
  const at = (k: number): number => (k < end ? s.charCodeAt(k) : -1);
  if (at(i) === 32 || at(i) === 84 || at(i) === 116) {
    const hour = i + 3 <= end ? digits(s, i + 1, 2) : -1;
    const minute = at(i + 3) === 58 && i + 6 <= end ? digits(s, i + 4, 2) : -1;
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
    ms += hour * 3_600_000 + minute * 60_000;
    i += 6;
    if (at(i) === 58) {
      const second = i + 3 <= end ? digits(s, i + 1, 2) : -1;
      if (second < 0 || second > 59) return undefined;
      ms += second * 1000;
      i += 3;
      if (at(i) === 46) {
        // Fraction of a second: keep millisecond resolution, ignore finer digits.
        let j = i + 1;
        let frac = 0;
        let scale = 100;
        while (j < end) {
          const c = s.charCodeAt(j) - 48;
          if (c < 0 || c > 9) break;
          frac += c * scale;
          scale /= 10;
          j++;
        }
        if (j === i + 1) return undefined;
        ms += Math.floor(frac);
        i = j;
      }
    }
  }
  if (i === end) return ms;
  const zone = s.charCodeAt(i);
  if ((zone === 90 || zone === 122) && i + 1 === end) return ms;
  if (zone === 43 || zone === 45) {
    const oh = i + 3 <= end ? digits(s, i + 1, 2) : -1;
    let rest = i + 3;
    if (at(rest) === 58) rest++;
    const om = rest === end ? 0 : rest + 2 === end ? digits(s, rest, 2) : -1;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    const offset = (oh * 60 + om) * 60_000;
    // A local time at +02:00 is two hours ahead of UTC: subtract the offset.
    return zone === 43 ? ms - offset : ms + offset;
  }
  return undefined;
}
