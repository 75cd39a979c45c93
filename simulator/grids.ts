/**
 * Grid and field definitions served by the PEMS simulator: the PFA grid `CUPFAG`, the asset grid
 * `OSOBJA` and the classification grid `OSCATG`.
 *
 * The sync side maps these alias names, so renaming one is a contract change.
 *
 * @module
 */

/** Field data types that the simulated grids use (a subset of the vendor `FIELD.type` enum). */
export type FieldType =
  | "VARCHAR"
  | "NUMBER"
  | "DECIMAL"
  | "CURRENCY"
  | "DATE"
  | "DATETIME"
  | "CHKBOOLEAN";

/** Every {@linkcode FieldType}. */
export const FIELD_TYPES: readonly FieldType[] = [
  "VARCHAR",
  "NUMBER",
  "DECIMAL",
  "CURRENCY",
  "DATE",
  "DATETIME",
  "CHKBOOLEAN",
];

/**
 * One grid column. Its 1-based position in {@linkcode GridDefinition.fields} is its `aliasnum`,
 * unless the grid sets `aliasnums`.
 */
export interface GridField {
  /** Alias name, as used in filters, sorts and `FIELD.name`. */
  name: string;
  /** Column heading, sent as `FIELD.label`. */
  label: string;
  /** Data type, sent as `FIELD.type`. It decides how filters and sorts compare values. */
  type: FieldType;
}

/** A simulated grid. */
export interface GridDefinition {
  /** `GRID_NAME`, e.g. `CUPFAG`. */
  name: string;
  /** `GRID_ID`. */
  id: number;
  /** Grid label, sent as `METADATA.GRIDLABEL`. */
  label: string;
  /** Id of the grid's only dataspy. Requests may omit `DATASPY` or name this id. */
  dataspyId: number;
  /** Alias of the unique key. Its values sort ascending in row index order. */
  keyAlias: string;
  /** Alias of the organization column. */
  organizationAlias: string;
  /** Columns in `aliasnum` order. */
  fields: readonly GridField[];
  /** Column position (0-based) by lower-case alias name. */
  fieldIndex: ReadonlyMap<string, number>;
  /**
   * `aliasnum` of each column. Absent means column + 1. Only grids with changed fields set it,
   * because a removed field may leave a gap.
   */
  aliasnums?: readonly number[];
}

type FieldRow = readonly [name: string, label: string, type: FieldType];

// Column order and labels follow the known 73-column CUPFAG layout, minus one column whose label
// is unknown. Only `pfs_id` and `pfs_a_org` are aliases confirmed by live requests. The others
// are the lower-cased names of the CUPFA2 screen fields, or plausible names where the screen has
// none.
const PFA_FIELDS: readonly FieldRow[] = [
  ["pfs_desc", "Description", "VARCHAR"],
  ["pfs_id", "PFA ID", "VARCHAR"],
  ["pfs_orig_rowid", "Original Row ID", "NUMBER"],
  ["pfs_p_revision", "Project Revision Number", "NUMBER"],
  ["pfs_p_projnum", "Project Number", "VARCHAR"],
  ["pfs_a_org", "PEMS Organization", "VARCHAR"],
  ["pfs_p_essdesc", "ESS Project Desc", "VARCHAR"],
  ["pfs_a_catgroup", "Category Group", "VARCHAR"],
  ["pfs_a_class", "Class (Plan)", "VARCHAR"],
  ["pfs_a_category", "Category (Plan)", "VARCHAR"],
  ["pfs_a_catdesc", "Cat. Description (Plan)", "VARCHAR"],
  ["pfs_a_manufact", "Manufacturer (Plan)", "VARCHAR"],
  ["pfs_a_model", "Model (Plan)", "VARCHAR"],
  ["pfs_a_source", "Source (Plan)", "VARCHAR"],
  ["pfs_a_dor", "DOR (Plan)", "VARCHAR"],
  ["pfs_p_budgetcode", "Project Budget Code (Plan)", "VARCHAR"],
  ["pfs_p_duration", "Duration months (Plan)", "NUMBER"],
  ["pfs_p_startdate", "Estimated Start Date (Plan)", "DATE"],
  ["pfs_p_enddate", "Estimated End Date (Plan)", "DATE"],
  ["pfs_a_rate", "Escalated Rental Rate (Plan)", "DECIMAL"],
  ["pfs_a_rate_uom", "Rate UOM (Plan)", "VARCHAR"],
  ["pfs_a_ocrrate", "OCR Rate (Plan)", "DECIMAL"],
  ["pfs_a_ocr_uom", "OCR UOM (Plan)", "VARCHAR"],
  ["pfs_a_rateused", "Rate Used (Plan)", "VARCHAR"],
  ["pfs_a_price", "Escalated Purchase Price (Plan)", "CURRENCY"],
  ["pfs_a_estimatedamt", "Est. Rental Amount (Plan)", "CURRENCY"],
  ["pfs_a_createdate", "Created Date (Plan)", "DATE"],
  ["pfs_a_moddate", "Modified Date (Plan)", "DATE"],
  ["pfs_a_leadtimerental", "Lead Time Rental (Plan)", "NUMBER"],
  ["pfs_a_leadtimepurchase", "Lead Time Purchase (Plan)", "NUMBER"],
  ["pfs_a_qsr", "QSR (Plan)", "CURRENCY"],
  ["pfs_a_totalocrr", "Total OCRR (Plan)", "CURRENCY"],
  ["pfs_a_variance", "Variance (Plan)", "CURRENCY"],
  ["pfs_a_depreciation", "Depreciation (Plan)", "CURRENCY"],
  ["pfs_a_mitigation", "Mitigation (Plan)", "CURRENCY"],
  ["pfs_a_freight", "Freight (Plan)", "CURRENCY"],
  ["pfs_a_consumables", "Consumables (Plan)", "CURRENCY"],
  ["pfs_f_class", "Class", "VARCHAR"],
  ["pfs_f_category", "Category", "VARCHAR"],
  ["pfs_f_catdesc", "Category Description", "VARCHAR"],
  ["pfs_f_manufact", "Manufacturer", "VARCHAR"],
  ["pfs_f_model", "Model", "VARCHAR"],
  ["pfs_f_source", "Source", "VARCHAR"],
  ["pfs_f_dor", "DOR", "VARCHAR"],
  ["pfs_f_startdate", "Estimated Start Date", "DATE"],
  ["pfs_f_enddate", "Estimated End Date", "DATE"],
  ["pfs_f_duration", "Duration", "NUMBER"],
  ["pfs_f_rate", "Rental Rate", "DECIMAL"],
  ["pfs_f_rate_uom", "Rental Rate UOM", "VARCHAR"],
  ["pfs_f_price", "Purchase Price", "CURRENCY"],
  ["pfs_f_estimatedamt", "Est. Rental Amount", "CURRENCY"],
  ["pfs_f_intlastupdated", "Last Forecast Change Date", "DATETIME"],
  ["pfs_f_leadtime", "Lead Time", "NUMBER"],
  ["pfs_f_consumables", "Consumables", "CURRENCY"],
  ["pfs_f_last_revision", "Last Forecast Revision", "NUMBER"],
  ["pfs_f_last_change_by", "Last Forecast Change By", "VARCHAR"],
  ["pfa_act", "Actualized", "CHKBOOLEAN"],
  ["pfa_dis", "Discontinued", "CHKBOOLEAN"],
  ["pfs_a_corporate", "Area/Silo", "VARCHAR"],
  ["pfs_f_freight", "Freight", "CURRENCY"],
  ["pfs_orig_pfs_id", "Original PFA ID", "VARCHAR"],
  ["pfa_ca_contract", "Contract", "VARCHAR"],
  ["pfa_ca_contractre", "Contract Revision", "NUMBER"],
  ["pfs_equipment", "Equipment", "VARCHAR"],
  ["pfa_act_date", "Actualization Date", "DATE"],
  ["pfa_act_by", "Actualized By", "VARCHAR"],
  ["pfs_ft", "Funds Transferable", "CHKBOOLEAN"],
  ["pfs_udfdate01", "Date 1", "DATE"],
  ["pfs_udfdate02", "Date 2", "DATE"],
  ["pfs_udfdate03", "Date 3", "DATE"],
  ["pfs_udfchar01", "User 1", "VARCHAR"],
  ["pfs_udfchar02", "User 2", "VARCHAR"],
];

const ASSET_FIELDS: readonly FieldRow[] = [
  ["obj_code", "Equipment", "VARCHAR"],
  ["obj_org", "Organization", "VARCHAR"],
  ["obj_desc", "Description", "VARCHAR"],
  ["obj_alias", "Alias", "VARCHAR"],
  ["obj_status", "Status", "VARCHAR"],
  ["obj_department", "Department", "VARCHAR"],
  ["obj_class", "Class", "VARCHAR"],
  ["obj_category", "Category", "VARCHAR"],
  ["obj_manufact", "Manufacturer", "VARCHAR"],
  ["obj_model", "Model", "VARCHAR"],
  ["obj_serialno", "Serial Number", "VARCHAR"],
  ["obj_year", "Year", "NUMBER"],
  ["obj_commiss", "Commission Date", "DATE"],
  ["obj_onsite", "On Site Date", "DATE"],
  ["obj_assignedto", "Assigned To", "VARCHAR"],
  ["obj_owner", "Owner", "VARCHAR"],
  ["obj_source", "Source", "VARCHAR"],
  ["obj_updated", "Date Updated", "DATETIME"],
];

const CLASSIFICATION_FIELDS: readonly FieldRow[] = [
  ["cat_code", "Category", "VARCHAR"],
  ["cat_org", "Organization", "VARCHAR"],
  ["cat_desc", "Category Description", "VARCHAR"],
  ["cat_class", "Class", "VARCHAR"],
  ["cat_class_desc", "Class Description", "VARCHAR"],
  ["cat_icon", "Icon", "VARCHAR"],
  ["cat_updated", "Date Updated", "DATETIME"],
];

function defineGrid(
  grid: Omit<GridDefinition, "fields" | "fieldIndex">,
  rows: readonly FieldRow[],
): GridDefinition {
  const fields = rows.map(([name, label, type]) => ({ name, label, type }));
  const fieldIndex = new Map(fields.map((field, index) => [field.name, index]));
  for (const alias of [grid.keyAlias, grid.organizationAlias]) {
    if (!fieldIndex.has(alias)) throw new Error(`grid ${grid.name} has no field ${alias}`);
  }
  return { ...grid, fields, fieldIndex };
}

/** PFA (plan, forecast, actuals) grid. */
export const PFA_GRID: GridDefinition = defineGrid({
  name: "CUPFAG",
  id: 100541,
  label: "PFA",
  dataspyId: 100001,
  keyAlias: "pfs_id",
  organizationAlias: "pfs_a_org",
}, PFA_FIELDS);

/** Asset (equipment) grid. */
export const ASSET_GRID: GridDefinition = defineGrid({
  name: "OSOBJA",
  id: 100020,
  label: "Assets",
  dataspyId: 100002,
  keyAlias: "obj_code",
  organizationAlias: "obj_org",
}, ASSET_FIELDS);

/** Equipment classification (class and category) grid. */
export const CLASSIFICATION_GRID: GridDefinition = defineGrid({
  name: "OSCATG",
  id: 100030,
  label: "Categories",
  dataspyId: 100003,
  keyAlias: "cat_code",
  organizationAlias: "cat_org",
}, CLASSIFICATION_FIELDS);

/** All simulated grids. */
export const GRIDS: readonly GridDefinition[] = [PFA_GRID, ASSET_GRID, CLASSIFICATION_GRID];

/** Finds a grid by `GRID_NAME` (case-insensitive). */
export function findGridByName(name: string): GridDefinition | undefined {
  const upper = name.toUpperCase();
  return GRIDS.find((grid) => grid.name === upper);
}

/** Finds a grid by `GRID_ID`. */
export function findGridById(id: number): GridDefinition | undefined {
  return GRIDS.find((grid) => grid.id === id);
}

/**
 * Returns the 0-based column of each named alias of a grid. Throws when an alias is missing, so
 * a misspelled name fails when the module loads instead of leaving a column empty.
 */
export function columnIndexes<const Name extends string>(
  grid: GridDefinition,
  names: readonly Name[],
): Record<Name, number> {
  const indexes = {} as Record<Name, number>;
  for (const name of names) {
    const index = grid.fieldIndex.get(name);
    if (index === undefined) throw new Error(`grid ${grid.name} has no field ${name}`);
    indexes[name] = index;
  }
  return indexes;
}
