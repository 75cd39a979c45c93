/**
 * `ADDON_FILTER` and `MULTIADDON_FILTERS` of a grid request: parsing into a filter tree and
 * compiling the tree into a row predicate.
 *
 * @module
 */

import type { GridDefinition } from "./grids.ts";
import { asObject, describeValue, invalidRequest } from "./request_error.ts";
import { compileCondition } from "./condition.ts";

/** Filter operators the simulator evaluates. */
export const OPERATORS = [
  "=",
  "!=",
  "<",
  ">",
  "<=",
  ">=",
  "BEGINS",
  "ENDS",
  "CONTAINS",
  "NOTCONTAINS",
  "LIKE",
  "IN",
  "NOT_IN",
  "IS EMPTY",
  "NOT EMPTY",
] as const;

/** A filter operator. */
export type Operator = typeof OPERATORS[number];

/** One filter condition on a column. */
export interface FilterCondition {
  kind: "condition";
  alias: string;
  /** 0-based column of `alias`. */
  column: number;
  operator: Operator;
  /** Filter value; "" for `IS EMPTY` and `NOT EMPTY`. */
  value: string;
}

/** Conditions joined by AND or OR. */
export interface FilterGroup {
  kind: "and" | "or";
  children: FilterNode[];
}

/** A parsed filter expression. */
export type FilterNode = FilterCondition | FilterGroup;

/** A compiled filter: returns true when the row's cells match. */
export type RowPredicate = (cells: readonly string[]) => boolean;

type Token = FilterNode | "(" | ")" | "AND" | "OR";

const OPERATOR_SET = new Set<string>(OPERATORS);
const VALUELESS = new Set<string>(["IS EMPTY", "NOT EMPTY"]);

/**
 * Parses the request's `ADDON_FILTER` and `MULTIADDON_FILTERS` into one expression (the two are
 * joined by AND). Returns null when the request has no filter. Throws a 400
 * {@linkcode GridRequestError} naming the bad part.
 */
export function parseFilters(
  grid: GridDefinition,
  addonFilter: unknown,
  multiAddonFilters: unknown,
): FilterNode | null {
  const parts: FilterNode[] = [];
  const single = parseAddonFilter(grid, addonFilter);
  if (single) parts.push(single);
  const chain = parseMultiAddonFilters(grid, multiAddonFilters);
  if (chain) parts.push(chain);
  if (parts.length === 0) return null;
  return parts.length === 1 ? parts[0] : { kind: "and", children: parts };
}

/** Compiles a filter expression into a row predicate. */
export function compileFilter(grid: GridDefinition, node: FilterNode): RowPredicate {
  if (node.kind === "condition") return compileCondition(grid.fields[node.column].type, node);
  const children = node.children.map((child) => compileFilter(grid, child));
  if (node.kind === "and") {
    return (cells) => {
      for (const child of children) if (!child(cells)) return false;
      return true;
    };
  }
  return (cells) => {
    for (const child of children) if (child(cells)) return true;
    return false;
  };
}

function parseAddonFilter(grid: GridDefinition, raw: unknown): FilterCondition | null {
  if (raw === undefined || raw === null) return null;
  const item = asObject(raw, "ADDON_FILTER");
  // Some clients send an empty ADDON_FILTER when they have no filter.
  if (item.ALIAS_NAME === undefined && item.OPERATOR === undefined) return null;
  return parseCondition(grid, item, "ADDON_FILTER");
}

function parseMultiAddonFilters(grid: GridDefinition, raw: unknown): FilterNode | null {
  if (raw === undefined || raw === null) return null;
  const container = asObject(raw, "MULTIADDON_FILTERS");
  let list = container.MADDON_FILTER;
  if (list === undefined || list === null) return null;
  // XML-to-JSON converters turn a one-element list into a plain object.
  if (!Array.isArray(list)) list = [list];
  const items = (list as unknown[]).map((entry, position) => {
    const where = `MADDON_FILTER[${position}]`;
    return { item: asObject(entry, where), where, position };
  });
  items.sort((a, b) => sequenceNumber(a.item, a.position) - sequenceNumber(b.item, b.position));

  const tokens: Token[] = [];
  items.forEach(({ item, where }, index) => {
    if (readFlag(item.LPAREN, `${where}.LPAREN`)) tokens.push("(");
    tokens.push(parseCondition(grid, item, where));
    if (readFlag(item.RPAREN, `${where}.RPAREN`)) tokens.push(")");
    // JOINER links a filter to the next one, so the last filter's JOINER is unused.
    if (index < items.length - 1) tokens.push(readJoiner(item.JOINER, `${where}.JOINER`));
  });
  return tokens.length === 0 ? null : parseTokens(tokens);
}

function parseCondition(
  grid: GridDefinition,
  item: Record<string, unknown>,
  where: string,
): FilterCondition {
  if (typeof item.ALIAS_NAME !== "string" || item.ALIAS_NAME.trim() === "") {
    throw invalidRequest(`missing ALIAS_NAME in ${where}`);
  }
  const alias = item.ALIAS_NAME.trim().toLowerCase();
  const column = grid.fieldIndex.get(alias);
  if (column === undefined) {
    throw invalidRequest(
      `unknown ALIAS_NAME "${item.ALIAS_NAME}" in ${where}: ` +
        `grid ${grid.name} has no such field`,
    );
  }
  const operator = normalizeOperator(item.OPERATOR, where);
  const value = item.VALUE;
  if (VALUELESS.has(operator)) return { kind: "condition", alias, column, operator, value: "" };
  if (typeof value !== "string" && typeof value !== "number") {
    throw invalidRequest(`missing VALUE in ${where}: operator ${operator} needs a value`);
  }
  return { kind: "condition", alias, column, operator, value: String(value) };
}

function normalizeOperator(raw: unknown, where: string): Operator {
  const text = typeof raw === "string" ? raw.trim().toUpperCase().replace(/\s+/g, " ") : "";
  let operator = text;
  if (text === "<>") operator = "!=";
  if (text === "NOT IN") operator = "NOT_IN";
  if (!OPERATOR_SET.has(operator)) {
    throw invalidRequest(
      `invalid OPERATOR ${describeValue(raw)} in ${where}: ` +
        `use one of ${OPERATORS.join(", ")}`,
    );
  }
  return operator as Operator;
}

function sequenceNumber(item: Record<string, unknown>, position: number): number {
  const value = Number(item.SEQNUM);
  return item.SEQNUM === undefined || item.SEQNUM === null || Number.isNaN(value)
    ? position
    : value;
}

function readFlag(raw: unknown, where: string): boolean {
  if (raw === undefined || raw === null || raw === "" || raw === false) return false;
  if (raw === true) return true;
  if (typeof raw === "string") {
    const text = raw.trim().toLowerCase();
    if (text === "true") return true;
    if (text === "false") return false;
  }
  throw invalidRequest(`invalid ${where} ${describeValue(raw)}: use "true" or "false"`);
}

function readJoiner(raw: unknown, where: string): "AND" | "OR" {
  if (raw === undefined || raw === null || raw === "") return "AND";
  const text = typeof raw === "string" ? raw.trim().toUpperCase() : "";
  if (text === "AND" || text === "OR") return text;
  throw invalidRequest(`invalid ${where} ${describeValue(raw)}: use "AND" or "OR"`);
}

/**
 * Parses `cond (joiner cond)*` with parentheses. AND binds tighter than OR, as in the SQL
 * WHERE clause that EAM builds from these filters.
 */
function parseTokens(tokens: Token[]): FilterNode {
  let position = 0;
  const unbalanced = () =>
    invalidRequest("unbalanced LPAREN/RPAREN in MULTIADDON_FILTERS: every LPAREN needs an RPAREN");

  const parseOr = (): FilterNode => {
    const children = [parseAnd()];
    while (tokens[position] === "OR") {
      position++;
      children.push(parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: "or", children };
  };
  const parseAnd = (): FilterNode => {
    const children = [parseOperand()];
    while (tokens[position] === "AND") {
      position++;
      children.push(parseOperand());
    }
    return children.length === 1 ? children[0] : { kind: "and", children };
  };
  const parseOperand = (): FilterNode => {
    const token = tokens[position++];
    if (token === "(") {
      const inner = parseOr();
      if (tokens[position++] !== ")") throw unbalanced();
      return inner;
    }
    if (token === undefined || typeof token === "string") throw unbalanced();
    return token;
  };

  const expression = parseOr();
  if (position !== tokens.length) throw unbalanced();
  return expression;
}
