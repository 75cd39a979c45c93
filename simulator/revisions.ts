/**
 * Revision steps of the simulated data. Revision N applies steps 1..N. Each step changes about
 * 10% of the rows of every grid and stamps them with a modification time on the step's own day,
 * so a filter `updated >= <day of step r>` finds exactly the rows changed at step r or later.
 *
 * @module
 */

import { combineHash, dayNumber, formatDateTime, type Rng } from "./values.ts";

/** Largest revision. Step 100,000 stamps rows in the year 2299, within `DD-MON-YYYY` dates. */
export const MAX_REVISION = 100_000;
/** Share of rows, in per mille, that each revision step changes. */
const CHANGED_PER_MILLE = 100;
/** Revision step r changes rows on day REVISION_START_DAY + r - 1 (step 1 is 01-NOV-2025). */
const REVISION_START_DAY = dayNumber(2025, 11, 1);
/** Revision 0 modification times fall in this window, before any revision step. */
const BASE_UPDATE_FIRST_DAY = dayNumber(2024, 6, 1);
const BASE_UPDATE_DAYS = REVISION_START_DAY - BASE_UPDATE_FIRST_DAY;
/** Modification times fall between 06:00 and 19:59. */
const FIRST_WORK_MINUTE = 6 * 60;
const WORK_MINUTES = 14 * 60;

/**
 * Returns the last revision step in `1..revision` that changed the row with this seed, or 0
 * when none did. Each step changes a row with probability 10%, independently of other steps.
 */
export function lastChangeStep(rowSeed: number, revision: number): number {
  for (let step = revision; step >= 1; step--) {
    if (combineHash(rowSeed, step) % 1000 < CHANGED_PER_MILLE) return step;
  }
  return 0;
}

/** Returns the day number of revision `step` (1-based). */
export function revisionDay(step: number): number {
  return REVISION_START_DAY + step - 1;
}

/** Returns a modification time before revision step 1, as `DD-MON-YYYY HH:MM`. */
export function baseUpdateTime(rng: Rng): string {
  const day = BASE_UPDATE_FIRST_DAY + rng.below(BASE_UPDATE_DAYS);
  return formatDateTime(day, FIRST_WORK_MINUTE + rng.below(WORK_MINUTES));
}

/**
 * Returns the modification time of a change made at revision `step`. It is later than every
 * time of earlier steps and of revision 0.
 */
export function revisionUpdateTime(change: Rng, step: number): string {
  return formatDateTime(revisionDay(step), FIRST_WORK_MINUTE + change.below(WORK_MINUTES));
}
