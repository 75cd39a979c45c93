/**
 * The rows a simulator serves: generated base rows plus the changes a test makes while a client
 * pages through them (inserted and deleted rows, bad cell values, changed fields).
 *
 * Without changes every row comes straight from the generator. Changes are looked up only
 * after one `changed` flag check per row.
 *
 * @module
 */

import { buildGridView, type FieldChanges, type GridView } from "./field_changes.ts";
import { RowGenerator } from "./generator.ts";
import { ASSET_GRID, findGridByName, type GridDefinition, GRIDS, PFA_GRID } from "./grids.ts";
import { MAX_ROWS_PER_ORGANIZATION, type RowSource } from "./query.ts";
import { RowEdits } from "./row_edits.ts";

/** A cell value that replaces the generated one, such as "31-FEB-2025" in a DATE column. */
export interface BadCell {
  /** `GRID_NAME`, such as "CUPFAG". */
  grid: string;
  organization: string;
  /** 0-based row index in key order when the cell is set. The value stays with that row. */
  index: number;
  /** Alias of the cell's field, as generated (before field changes). */
  alias: string;
  value: string;
}

/** Inputs of a row store. */
export interface RowStoreSettings {
  seed: number;
  assetRows: number;
  classificationRows: number;
  revision: number;
  /** PFA rows by organization. The store keeps and changes this map. */
  pfaRows: Map<string, number>;
}

/** Maximum rows that one `insertRows` call adds. */
export const MAX_INSERTED_ROWS = 100_000;

const GRID_NAMES = GRIDS.map((grid) => grid.name).join(", ");
/** Key column of each grid as generated, because a changed view may number its columns differently. */
const KEY_COLUMNS = new Map(GRIDS.map((grid) => [grid.name, grid.fieldIndex.get(grid.keyAlias)!]));

/** Generated rows with test-made changes, in the shape the query engine reads. */
export class RowStore implements RowSource {
  /** Organizations that have rows, in the order they were added. */
  readonly organizations: string[];
  private currentRevision: number;
  private readonly settings: RowStoreSettings;
  private readonly generator: RowGenerator;
  private readonly edits = new Map<string, RowEdits>();
  /** Replacement cells by grid and organization, then by row id (see RowEdits). */
  private badCells = new Map<string, Map<number, [column: number, value: string][]>>();
  private views = new Map<string, GridView>();
  /** Base column of each served column, by view. Old views stay valid for requests in flight. */
  private readonly projections = new WeakMap<GridDefinition, readonly number[]>();
  private servedGrids: readonly GridDefinition[] = GRIDS;
  private version = 0;
  private changed = false;

  constructor(settings: RowStoreSettings) {
    this.settings = settings;
    this.currentRevision = settings.revision;
    this.organizations = [...settings.pfaRows.keys()];
    this.generator = new RowGenerator(settings);
  }

  revision(): number {
    return this.currentRevision;
  }

  /** Returns a number that changes whenever rows or fields change. */
  dataVersion(): number {
    return this.version;
  }

  setRevision(revision: number): void {
    this.currentRevision = revision;
  }

  /** Sets the PFA row count of an organization, adding the organization when it is new. */
  setPfaRows(organization: string, rows: number): void {
    this.settings.pfaRows.set(organization, rows);
    if (!this.organizations.includes(organization)) this.organizations.push(organization);
    this.version++;
  }

  /** Returns the grids as served now: changed fields replace a grid by its view. */
  grids(): readonly GridDefinition[] {
    return this.servedGrids;
  }

  /** Returns the served definition of a grid by `GRID_NAME`. Throws for an unknown name. */
  servedGrid(name: string): GridDefinition {
    const base = baseGrid(name);
    return this.views.get(base.name)?.grid ?? base;
  }

  rowCount(grid: GridDefinition, organization: string): number {
    const baseCount = this.baseCount(grid, organization);
    const edits = this.changed ? this.edits.get(editKey(grid, organization)) : undefined;
    return edits === undefined ? baseCount : edits.count(baseCount);
  }

  cells(grid: GridDefinition, organization: string, index: number): string[] {
    return this.cellsAt(grid, organization, index, this.currentRevision);
  }

  /**
   * Returns a function that reads rows of `grid` at `revision`, for one response. Without
   * changes it calls the generator directly, so serving a page costs no more than generating it.
   */
  cellReader(
    grid: GridDefinition,
    revision: number,
  ): (organization: string, index: number) => string[] {
    const generator = this.generator;
    if (!this.changed && grid.aliasnums === undefined) {
      return (organization, index) => generator.generate(grid, organization, index, revision);
    }
    return (organization, index) => this.cellsAt(grid, organization, index, revision);
  }

  /** Returns the cells of row `index` as served for `grid`, which may be a changed view. */
  cellsAt(grid: GridDefinition, organization: string, index: number, revision: number): string[] {
    // Only views set aliasnums. A request parsed before field changes were reset keeps its view.
    if (!this.changed && grid.aliasnums === undefined) {
      return this.generator.generate(grid, organization, index, revision);
    }
    const key = editKey(grid, organization);
    const { cells, id } = this.naturalRow(grid, organization, index, revision);
    for (const [column, value] of this.badCells.get(key)?.get(id) ?? []) cells[column] = value;
    const columns = this.projections.get(grid);
    return columns === undefined ? cells : columns.map((column) => cells[column]);
  }

  /** Returns one row as alias -> cell text, as a client reading the grid now would see it. */
  row(gridName: string, organization: string, index: number): Record<string, string> {
    const grid = this.servedGrid(gridName);
    this.checkIndex(grid, organization, index);
    const cells = this.cellsAt(grid, organization, index, this.currentRevision);
    return Object.fromEntries(grid.fields.map((field, column) => [field.name, cells[column]]));
  }

  /**
   * Inserts `count` rows after row `afterIndex` (default: the last row) and returns their keys.
   * Each new row copies the cells of the generated row before it, except for the key.
   */
  insertRows(gridName: string, organization: string, count: number, afterIndex?: number): string[] {
    const grid = baseGrid(gridName);
    const total = this.rowCount(grid, organization);
    if (total === 0) {
      throw new RangeError(`cannot insert rows into ${grid.name} ${organization}: it has no rows`);
    }
    if (!Number.isInteger(count) || count < 1 || count > MAX_INSERTED_ROWS) {
      throw new RangeError(`invalid row count ${count}: expected 1 to ${MAX_INSERTED_ROWS}`);
    }
    if (total + count > MAX_ROWS_PER_ORGANIZATION) {
      throw new RangeError(
        `cannot insert ${count} rows into ${grid.name} ${organization}: ` +
          `it would exceed ${MAX_ROWS_PER_ORGANIZATION} rows`,
      );
    }
    const position = afterIndex ?? total - 1;
    this.checkIndex(grid, organization, position);
    const inserted = this.editsOf(grid, organization)
      .insertAfter(position, count, this.baseCount(grid, organization));
    this.markChanged();
    const keyColumn = KEY_COLUMNS.get(grid.name)!;
    const anchorKey = (anchor: number) =>
      this.generator.generate(grid, organization, anchor, this.currentRevision)[keyColumn];
    return inserted.map((row) => anchorKey(row.anchor) + row.suffix);
  }

  /**
   * Deletes rows given by 0-based index or by key (as generated, ignoring bad cells). All are
   * looked up before any is deleted. Throws a RangeError for an index or key not found.
   */
  deleteRows(gridName: string, organization: string, rows: readonly (number | string)[]): void {
    const grid = baseGrid(gridName);
    const positions = rows.map((row) => {
      if (typeof row === "number") {
        this.checkIndex(grid, organization, row);
        return row;
      }
      const position = this.findKey(grid, organization, row);
      if (position < 0) {
        throw new RangeError(`no row with key "${row}" in ${grid.name} ${organization}`);
      }
      return position;
    });
    this.editsOf(grid, organization).delete(positions, this.baseCount(grid, organization));
    this.markChanged();
  }

  /** Replaces all bad cells. An empty list restores the generated values. */
  setBadCells(cells: readonly BadCell[]): void {
    const byRow = new Map<string, Map<number, [number, string][]>>();
    cells.forEach((cell, position) => {
      const grid = baseGrid(cell.grid);
      this.checkIndex(grid, cell.organization, cell.index);
      const column = grid.fieldIndex.get(String(cell.alias).toLowerCase());
      if (column === undefined) {
        throw new RangeError(
          `invalid bad cell ${position}: ${grid.name} has no field "${cell.alias}"`,
        );
      }
      if (typeof cell.value !== "string") {
        throw new TypeError(`invalid bad cell ${position}: value must be a string`);
      }
      const key = editKey(grid, cell.organization);
      const id = this.naturalRow(grid, cell.organization, cell.index, this.currentRevision).id;
      const rowCells = byRow.get(key) ?? new Map<number, [number, string][]>();
      rowCells.set(id, [...rowCells.get(id) ?? [], [column, cell.value]]);
      byRow.set(key, rowCells);
    });
    this.badCells = byRow;
    this.markChanged();
  }

  /** Replaces all field changes. An empty list restores the generated fields. */
  setFieldChanges(changes: readonly FieldChanges[]): void {
    const views = new Map<string, GridView>();
    changes.forEach((change, position) => {
      const base = baseGrid(change?.grid);
      if (views.has(base.name)) {
        throw new Error(`invalid field changes ${position}: ${base.name} is changed twice`);
      }
      const view = buildGridView(base, change, `field changes of ${base.name}`);
      views.set(base.name, view);
    });
    for (const view of views.values()) this.projections.set(view.grid, view.sourceColumns);
    this.views = views;
    this.servedGrids = GRIDS.map((grid) => views.get(grid.name)?.grid ?? grid);
    this.markChanged();
  }

  /** Drops inserted and deleted rows, bad cells and field changes. */
  resetChanges(): void {
    this.edits.clear();
    this.badCells = new Map();
    this.setFieldChanges([]);
  }

  /** Returns the cells before bad cells and field changes, and the row's id. */
  private naturalRow(
    grid: GridDefinition,
    organization: string,
    index: number,
    revision: number,
  ): { cells: string[]; id: number } {
    const edits = this.edits.get(editKey(grid, organization));
    if (edits === undefined) {
      return { cells: this.generator.generate(grid, organization, index, revision), id: index };
    }
    const row = edits.rowAt(index, this.baseCount(grid, organization));
    const cells = this.generator.generate(grid, organization, row.base, revision);
    if (row.inserted === undefined) return { cells, id: row.base };
    cells[KEY_COLUMNS.get(grid.name)!] += row.inserted.suffix;
    return { cells, id: row.inserted.id };
  }

  /** Returns the position of a key by binary search, or -1. Keys ascend with the position. */
  private findKey(grid: GridDefinition, organization: string, key: string): number {
    const keyColumn = KEY_COLUMNS.get(grid.name)!;
    const keyAt = (position: number) =>
      this.naturalRow(grid, organization, position, this.currentRevision).cells[keyColumn];
    let low = 0;
    let high = this.rowCount(grid, organization) - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = keyAt(middle);
      if (found === key) return middle;
      if (found < key) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private baseCount(grid: GridDefinition, organization: string): number {
    const pfaRows = this.settings.pfaRows.get(organization);
    if (pfaRows === undefined) return 0;
    if (grid.name === PFA_GRID.name) return pfaRows;
    return grid.name === ASSET_GRID.name
      ? this.settings.assetRows
      : this.settings.classificationRows;
  }

  private checkIndex(grid: GridDefinition, organization: string, index: number): void {
    const count = this.rowCount(grid, organization);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(
        `row index ${index} out of range for ${grid.name} ${organization}: it has ${count} rows`,
      );
    }
  }

  private editsOf(grid: GridDefinition, organization: string): RowEdits {
    const key = editKey(grid, organization);
    let edits = this.edits.get(key);
    if (edits === undefined) {
      edits = new RowEdits();
      this.edits.set(key, edits);
    }
    return edits;
  }

  private markChanged(): void {
    this.version++;
    this.changed = this.edits.size > 0 || this.badCells.size > 0 || this.views.size > 0;
  }
}

/** Returns the generated (unchanged) definition of a grid. Throws for an unknown name. */
export function baseGrid(name: unknown): GridDefinition {
  const grid = typeof name === "string" ? findGridByName(name) : undefined;
  if (!grid) throw new RangeError(`unknown grid ${JSON.stringify(name)}: use one of ${GRID_NAMES}`);
  return grid;
}

function editKey(grid: GridDefinition, organization: string): string {
  return `${grid.name}\u0000${organization}`;
}
