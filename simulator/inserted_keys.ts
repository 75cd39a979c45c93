/**
 * Key suffixes for rows inserted between existing rows.
 *
 * An inserted row's key is the key of the base row before it plus a suffix of capital letters,
 * such as "1000005" + "N" = "1000005N". Base keys of one grid and organization have equal
 * length, so every suffixed key sorts after its base key and before the next base key. Suffixes
 * compare letter by letter, which is the order of both code-unit comparison (JavaScript `<`,
 * PostgreSQL's "C" collation) and ICU collations, because the suffix letters have the same case.
 *
 * Suffixes are base-26 fractions with "A" as the zero digit and never end in "A", so another
 * suffix fits between any two of them, and below any of them.
 *
 * @module
 */

const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ZERO = DIGITS[0];

/**
 * Returns `count` ascending suffixes that sort after `low` and before `high`. `low` is "" for
 * the base row itself and `high` is null when no inserted row follows. Throws a RangeError when
 * a bound ends in "A" or `low` does not sort before `high`.
 */
export function suffixesBetween(low: string, high: string | null, count: number): string[] {
  checkSuffix(low);
  if (high !== null) {
    checkSuffix(high);
    if (!(low < high)) throw new RangeError(`suffix "${low}" does not sort before "${high}"`);
  }
  const suffixes: string[] = [];
  collect(low, high, count, suffixes);
  return suffixes;
}

/** Appends suffixes by bisection, so their length grows with log26(count), not with count. */
function collect(low: string, high: string | null, count: number, into: string[]): void {
  if (count <= 0) return;
  const middle = midpoint(low, high);
  const before = Math.floor((count - 1) / 2);
  collect(low, middle, before, into);
  into.push(middle);
  collect(middle, high, count - 1 - before, into);
}

/** Returns a suffix strictly between `low` and `high`. Neither bound ends in the zero digit. */
function midpoint(low: string, high: string | null): string {
  if (high !== null) {
    // A shorter `low` reads as if padded with zero digits.
    let shared = 0;
    while (shared < high.length && (low[shared] ?? ZERO) === high[shared]) shared++;
    if (shared > 0) return high.slice(0, shared) + midpoint(low.slice(shared), high.slice(shared));
  }
  const lowDigit = low === "" ? 0 : DIGITS.indexOf(low[0]);
  const highDigit = high === null ? DIGITS.length : DIGITS.indexOf(high[0]);
  if (highDigit - lowDigit > 1) return DIGITS[Math.round((lowDigit + highDigit) / 2)];
  // The first digits are adjacent, so the result starts with one of them.
  if (high !== null && high.length > 1) return high[0];
  return DIGITS[lowDigit] + midpoint(low.slice(1), null);
}

function checkSuffix(suffix: string): void {
  if (!/^[A-Z]*$/.test(suffix) || suffix.endsWith(ZERO)) {
    throw new RangeError(
      `invalid key suffix "${suffix}": expected capital letters that do not end in "A"`,
    );
  }
}
