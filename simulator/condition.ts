/**
 * Evaluation of one filter condition and the sort order of cell values, by field type: numbers
 * compare as numbers (thousands separators allowed), dates as points in time, checkboxes as
 * booleans and everything else as text.
 *
 * NOTE: an empty cell matches only `IS EMPTY`, as SQL NULL would in the query EAM runs. Pattern
 * operators ignore letter case, while `=`, `IN` and `<`-style operators do not. Neither rule has
 * been checked against a live EAM server.
 *
 * @module
 */

import type { FilterCondition, Operator, RowPredicate } from "./filter.ts";
import type { FieldType } from "./grids.ts";
import { invalidRequest } from "./request_error.ts";
import { parseAmount, parseDateTime } from "./values.ts";

type ValueKind = "number" | "date" | "boolean" | "text";

const TRUE_TEXT = new Set(["Y", "YES", "TRUE", "+", "1", "-1"]);
const FALSE_TEXT = new Set(["N", "NO", "FALSE", "-", "0"]);

/** Returns how values of a field type compare. */
export function valueKind(type: FieldType): ValueKind {
  switch (type) {
    case "NUMBER":
    case "DECIMAL":
    case "CURRENCY":
      return "number";
    case "DATE":
    case "DATETIME":
      return "date";
    case "CHKBOOLEAN":
      return "boolean";
    default:
      return "text";
  }
}

/**
 * Returns the value a cell sorts by: a number for number, date and checkbox fields, the text
 * otherwise, and null for an empty or unreadable cell.
 */
export function sortValue(kind: ValueKind, text: string): number | string | null {
  if (text === "") return null;
  if (kind === "text") return text;
  const value = kind === "boolean" ? booleanNumber(text) : parseNumeric(kind, text);
  return Number.isNaN(value) ? null : value;
}

/** Compiles one condition on a field of the given type. Throws a 400 for a bad value. */
export function compileCondition(type: FieldType, condition: FilterCondition): RowPredicate {
  const { column, operator } = condition;
  switch (operator) {
    case "IS EMPTY":
      return (cells) => cells[column] === "";
    case "NOT EMPTY":
      return (cells) => cells[column] !== "";
    case "BEGINS":
    case "ENDS":
    case "CONTAINS":
    case "NOTCONTAINS":
    case "LIKE":
      return compilePattern(condition);
    case "IN":
    case "NOT_IN":
      return compileList(valueKind(type), condition);
    default:
      return compileComparison(valueKind(type), condition);
  }
}

function compilePattern({ column, operator, value }: FilterCondition): RowPredicate {
  const needle = value.toUpperCase();
  switch (operator) {
    case "BEGINS":
      return (cells) => cells[column] !== "" && cells[column].toUpperCase().startsWith(needle);
    case "ENDS":
      return (cells) => cells[column] !== "" && cells[column].toUpperCase().endsWith(needle);
    case "CONTAINS":
      return (cells) => cells[column] !== "" && cells[column].toUpperCase().includes(needle);
    case "NOTCONTAINS":
      return (cells) => cells[column] !== "" && !cells[column].toUpperCase().includes(needle);
  }
  // LIKE: % matches any run of characters and _ matches one character.
  const source = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("%", ".*")
    .replaceAll("_", ".");
  const pattern = new RegExp(`^${source}$`, "is");
  return (cells) => cells[column] !== "" && pattern.test(cells[column]);
}

function compileList(kind: ValueKind, condition: FilterCondition): RowPredicate {
  const { column, operator } = condition;
  const parts = condition.value.split(",").map((part) => part.trim()).filter((part) => part);
  if (parts.length === 0) {
    throw invalidRequest(
      `empty VALUE for ${operator} on ${condition.alias}: ` +
        "send a comma-separated list",
    );
  }
  const negate = operator === "NOT_IN";
  if (kind === "text") {
    const allowed = new Set(parts);
    return (cells) => cells[column] !== "" && allowed.has(cells[column]) !== negate;
  }
  const allowed = new Set(parts.map((part) => filterNumber(kind, part, condition)));
  return (cells) => {
    const cell = cells[column];
    if (cell === "") return false;
    const value = kind === "boolean" ? booleanNumber(cell) : parseNumeric(kind, cell);
    return !Number.isNaN(value) && allowed.has(value) !== negate;
  };
}

function compileComparison(kind: ValueKind, condition: FilterCondition): RowPredicate {
  const { column, operator, value } = condition;
  if (kind === "text") {
    return (cells) => {
      const cell = cells[column];
      if (cell === "") return false;
      if (cell < value) return matchesOrder(operator, -1);
      return matchesOrder(operator, cell > value ? 1 : 0);
    };
  }
  if (kind === "boolean" && operator !== "=" && operator !== "!=") {
    throw invalidRequest(
      `invalid OPERATOR ${operator} on CHKBOOLEAN field ${condition.alias}: ` +
        "use = or != with -1 or 0",
    );
  }
  const target = filterNumber(kind, value, condition);
  return (cells) => {
    const cell = cells[column];
    if (cell === "") return false;
    const cellValue = kind === "boolean" ? booleanNumber(cell) : parseNumeric(kind, cell);
    return !Number.isNaN(cellValue) && matchesOrder(operator, cellValue - target);
  };
}

function matchesOrder(operator: Operator, order: number): boolean {
  switch (operator) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case ">":
      return order > 0;
    case "<=":
      return order <= 0;
    case ">=":
      return order >= 0;
  }
  return false;
}

function filterNumber(kind: ValueKind, text: string, condition: FilterCondition): number {
  const value = kind === "boolean" ? booleanNumber(text.trim()) : parseNumeric(kind, text.trim());
  if (!Number.isNaN(value)) return value;
  const expected = kind === "number"
    ? "a number such as 12,345.50"
    : kind === "date"
    ? "a date such as 05-NOV-2025 or 05-NOV-2025 14:30"
    : "-1 or 0";
  throw invalidRequest(
    `invalid VALUE "${text}" for ${condition.alias} (${condition.operator}): expected ${expected}`,
  );
}

function parseNumeric(kind: ValueKind, text: string): number {
  return kind === "date" ? parseDateTime(text) : parseAmount(text);
}

function booleanNumber(text: string): number {
  const upper = text.toUpperCase();
  if (TRUE_TEXT.has(upper)) return 1;
  if (FALSE_TEXT.has(upper)) return 0;
  return NaN;
}
