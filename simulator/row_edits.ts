/**
 * Inserted and deleted rows of one grid and organization, on top of the generated base rows.
 *
 * The rows a client sees are the base rows 0..n-1 that are not deleted, each followed by the
 * rows inserted after it. An inserted row's key is its base row's key plus a suffix (see
 * inserted_keys.ts), so keys stay ascending in row order. Positions are recomputed into a list
 * of segments after each change, so a lookup costs a binary search over the number of changes,
 * not over the rows.
 *
 * @module
 */

import { suffixesBetween } from "./inserted_keys.ts";

/** A row inserted after a base row. Deleted inserted rows stay listed, so no key is reused. */
export interface InsertedRow {
  /** Negative id that identifies the row while other rows come and go. */
  id: number;
  /** Index of the base row that the row follows. */
  anchor: number;
  /** Text appended to the anchor's key. */
  suffix: string;
  deleted: boolean;
}

/** A visible row: a base row, or a row inserted after base row `base`. */
export interface EditedRow {
  base: number;
  inserted?: InsertedRow;
}

type Segment =
  | { start: number; length: number; firstBase: number }
  | { start: number; length: 1; inserted: InsertedRow };

/** Edits of one grid and organization. `baseCount` arguments are its generated row count. */
export class RowEdits {
  private readonly deletedBase = new Set<number>();
  /** Inserted rows by anchor, in key order. */
  private readonly groups = new Map<number, InsertedRow[]>();
  private segments: Segment[] = [];
  private total = 0;
  private builtFor = -1;
  private nextId = -1;

  /** Returns the number of visible rows. */
  count(baseCount: number): number {
    this.build(baseCount);
    return this.total;
  }

  /** Returns the visible row at 0-based `position`, which must be below `count()`. */
  rowAt(position: number, baseCount: number): EditedRow {
    this.build(baseCount);
    const segments = this.segments;
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (segments[middle].start <= position) low = middle;
      else high = middle - 1;
    }
    const segment = segments[low];
    if ("inserted" in segment) return { base: segment.inserted.anchor, inserted: segment.inserted };
    return { base: segment.firstBase + position - segment.start };
  }

  /**
   * Inserts `count` rows right after the visible row at `position` and returns them in key
   * order.
   */
  insertAfter(position: number, count: number, baseCount: number): InsertedRow[] {
    const previous = this.rowAt(position, baseCount);
    const anchor = previous.base;
    const group = this.groups.get(anchor) ?? [];
    const at = previous.inserted === undefined ? 0 : group.indexOf(previous.inserted) + 1;
    const low = previous.inserted?.suffix ?? "";
    const high = group[at]?.suffix ?? null;
    const rows = suffixesBetween(low, high, count).map((suffix) => ({
      id: this.nextId--,
      anchor,
      suffix,
      deleted: false,
    }));
    group.splice(at, 0, ...rows);
    this.groups.set(anchor, group);
    this.builtFor = -1;
    return rows;
  }

  /** Deletes the visible rows at the given positions, all resolved before any is removed. */
  delete(positions: readonly number[], baseCount: number): void {
    const rows = positions.map((position) => this.rowAt(position, baseCount));
    for (const row of rows) {
      if (row.inserted) row.inserted.deleted = true;
      else this.deletedBase.add(row.base);
    }
    this.builtFor = -1;
  }

  private build(baseCount: number): void {
    if (this.builtFor === baseCount) return;
    // NOTE: rows inserted after a base row at or beyond baseCount are hidden, as that row is.
    const anchors = [...new Set([...this.deletedBase, ...this.groups.keys()])]
      .filter((base) => base < baseCount)
      .sort((a, b) => a - b);
    const segments: Segment[] = [];
    let position = 0;
    const pushBase = (firstBase: number, length: number) => {
      if (length <= 0) return;
      const last = segments.at(-1);
      if (last && "firstBase" in last && last.firstBase + last.length === firstBase) {
        last.length += length;
      } else {
        segments.push({ start: position, length, firstBase });
      }
      position += length;
    };

    let next = 0;
    for (const base of anchors) {
      pushBase(next, base - next);
      if (!this.deletedBase.has(base)) pushBase(base, 1);
      next = base + 1;
      for (const inserted of this.groups.get(base) ?? []) {
        if (inserted.deleted) continue;
        segments.push({ start: position, length: 1, inserted });
        position++;
      }
    }
    pushBase(next, baseCount - next);
    this.segments = segments;
    this.total = position;
    this.builtFor = baseCount;
  }
}
