/**
 * Schema drift on demand: grid fields that are removed, renamed or retyped, as when an EAM
 * administrator edits the dataspy behind a grid.
 *
 * A changed grid is served through a view: a {@linkcode GridDefinition} with the changed
 * fields, plus the base column that fills each of its columns. HEAD replies list the view's
 * fields, data rows carry the view's cells, and filters and sorts use the view's aliases.
 *
 * @module
 */

import { FIELD_TYPES, type FieldType, type GridDefinition } from "./grids.ts";

/** Changes to the fields of one grid. Aliases name the grid's original fields. */
export interface FieldChanges {
  /** `GRID_NAME` of the grid, such as "CUPFAG". */
  grid: string;
  /** Fields that disappear from FIELDS and from the cells. */
  remove?: string[];
  /** Fields that keep their cells under a new alias. */
  rename?: { from: string; to: string }[];
  /** Fields with a new `FIELD.type`. Their cell text stays as generated. */
  retype?: { alias: string; type: FieldType }[];
  /**
   * When true, the remaining fields are numbered 1..n again, so cells move to other aliasnums.
   * By default each field keeps its aliasnum and a removed field leaves a gap.
   */
  renumber?: boolean;
}

/** A grid as served after field changes. */
export interface GridView {
  grid: GridDefinition;
  /** Base column (0-based) of each column of `grid`. */
  sourceColumns: readonly number[];
}

const ALIAS_TEXT = /^[A-Za-z0-9_]+$/;

/**
 * Builds the served view of `base` after `changes`. Throws an Error that names the bad alias
 * or type, prefixed with `where` (such as "field changes of CUPFAG").
 */
export function buildGridView(
  base: GridDefinition,
  changes: FieldChanges,
  where: string,
): GridView {
  const baseColumn = (alias: unknown, field: string): number => {
    const column = typeof alias === "string" ? base.fieldIndex.get(alias.toLowerCase()) : undefined;
    if (column === undefined) {
      throw new Error(
        `invalid ${where}: ${field} ${JSON.stringify(alias)} is not a field of ${base.name}`,
      );
    }
    return column;
  };
  const touched = new Set<number>();
  const touch = (column: number, field: string) => {
    if (touched.has(column)) {
      throw new Error(
        `invalid ${where}: ${field} changes ${base.fields[column].name} again: ` +
          "list each field under remove or rename only once",
      );
    }
    touched.add(column);
  };

  const removed = new Set<number>();
  for (const [index, alias] of listOf(changes.remove, `${where}: remove`).entries()) {
    const column = baseColumn(alias, `remove[${index}]`);
    touch(column, `remove[${index}]`);
    removed.add(column);
  }
  const names = base.fields.map((field) => field.name);
  for (const [index, rename] of listOf(changes.rename, `${where}: rename`).entries()) {
    const field = `rename[${index}]`;
    const column = baseColumn(rename?.from, `${field}.from`);
    touch(column, field);
    if (typeof rename.to !== "string" || !ALIAS_TEXT.test(rename.to)) {
      throw new Error(
        `invalid ${where}: ${field}.to ${JSON.stringify(rename.to)} is not an alias: ` +
          "use letters, digits and _",
      );
    }
    names[column] = rename.to;
  }
  const types = base.fields.map((field) => field.type);
  for (const [index, retype] of listOf(changes.retype, `${where}: retype`).entries()) {
    const column = baseColumn(retype?.alias, `retype[${index}].alias`);
    if (!FIELD_TYPES.includes(retype.type)) {
      throw new Error(
        `invalid ${where}: retype[${index}].type ${JSON.stringify(retype.type)}: ` +
          `use one of ${FIELD_TYPES.join(", ")}`,
      );
    }
    types[column] = retype.type;
  }
  return assembleView(base, changes.renumber === true, removed, names, types, where);
}

function assembleView(
  base: GridDefinition,
  renumber: boolean,
  removed: ReadonlySet<number>,
  names: readonly string[],
  types: readonly FieldType[],
  where: string,
): GridView {
  const sourceColumns = base.fields.map((_, column) => column)
    .filter((column) => !removed.has(column));
  const fields = sourceColumns.map((column) => ({
    name: names[column],
    label: base.fields[column].label,
    type: types[column],
  }));
  const fieldIndex = new Map<string, number>();
  fields.forEach((field, column) => {
    const key = field.name.toLowerCase();
    if (fieldIndex.has(key)) {
      throw new Error(`invalid ${where}: two fields would be named ${field.name}`);
    }
    fieldIndex.set(key, column);
  });
  const servedName = (alias: string) => names[base.fieldIndex.get(alias)!];
  const grid: GridDefinition = {
    ...base,
    keyAlias: servedName(base.keyAlias),
    organizationAlias: servedName(base.organizationAlias),
    fields,
    fieldIndex,
    aliasnums: sourceColumns.map((column, index) => renumber ? index + 1 : column + 1),
  };
  return { grid, sourceColumns };
}

function listOf<T>(raw: T[] | undefined, where: string): T[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`invalid ${where}: expected an array`);
  return raw;
}
