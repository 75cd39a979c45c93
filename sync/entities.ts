/** The entities pems-sync pulls, named as in an API configuration's `feeds`. */
export type EntityName = "pfa" | "asset_master" | "classifications";

/** Parser and Postgres type of a grid cell. */
export type ColumnKind = "text" | "numeric" | "integer" | "boolean" | "timestamp";

/** One typed table column filled from one grid alias. */
export interface EntityColumn {
  column: string;
  alias: string;
  kind: ColumnKind;
}

/** Source grid in EAM and target table in Postgres of an entity. */
export interface EntityDefinition {
  name: EntityName;
  table: string;
  /** Default grid; an API configuration's `gridName` / `gridId` headers override it. */
  grid: { name: string; id: number };
  keyAlias: string;
  keyColumn: string;
  organizationAlias: string;
  /** The grid's last-modified column, for incremental syncs. */
  lastModifiedAlias: string;
  /** Typed columns besides the key and the organization. The raw row is always kept too. */
  columns: EntityColumn[];
}

const text = (column: string, alias: string): EntityColumn => ({ column, alias, kind: "text" });
const numeric = (column: string, alias: string): EntityColumn => ({
  column,
  alias,
  kind: "numeric",
});
const integer = (column: string, alias: string): EntityColumn => ({
  column,
  alias,
  kind: "integer",
});
const boolean = (column: string, alias: string): EntityColumn => ({
  column,
  alias,
  kind: "boolean",
});
const timestamp = (column: string, alias: string): EntityColumn => ({
  column,
  alias,
  kind: "timestamp",
});

/** PFA lines of grid CUPFAG. Aliases follow the CUPFA2 screen's field names in lower case. */
export const pfaEntity: EntityDefinition = {
  name: "pfa",
  table: "pfa_records",
  grid: { name: "CUPFAG", id: 100541 },
  keyAlias: "pfs_id",
  keyColumn: "pfa_id",
  organizationAlias: "pfs_a_org",
  lastModifiedAlias: "pfs_f_intlastupdated",
  columns: [
    text("description", "pfs_desc"),
    text("area_silo", "pfs_a_corporate"),
    text("category", "pfs_a_category"),
    text("forecast_category", "pfs_f_category"),
    text("class", "pfs_f_class"),
    text("category_description", "pfs_f_catdesc"),
    text("source", "pfs_f_source"),
    text("dor", "pfs_f_dor"),
    boolean("is_actualized", "pfa_act"),
    boolean("is_discontinued", "pfa_dis"),
    boolean("is_funds_transferable", "pfs_ft"),
    numeric("monthly_rate", "pfs_f_rate"),
    text("rate_uom", "pfs_f_rate_uom"),
    numeric("purchase_price", "pfs_f_price"),
    text("manufacturer", "pfs_f_manufact"),
    text("model", "pfs_f_model"),
    timestamp("original_start", "pfs_p_startdate"),
    timestamp("original_end", "pfs_p_enddate"),
    timestamp("forecast_start", "pfs_f_startdate"),
    timestamp("forecast_end", "pfs_f_enddate"),
    text("contract", "pfa_ca_contract"),
    text("equipment", "pfs_equipment"),
    timestamp("last_modified", "pfs_f_intlastupdated"),
    text("last_modified_by", "pfs_f_last_change_by"),
  ],
};

/** Asset master data of the equipment grid OSOBJA. */
export const assetMasterEntity: EntityDefinition = {
  name: "asset_master",
  table: "asset_master",
  grid: { name: "OSOBJA", id: 100020 },
  keyAlias: "obj_code",
  keyColumn: "asset_tag",
  organizationAlias: "obj_org",
  lastModifiedAlias: "obj_updated",
  columns: [
    text("description", "obj_desc"),
    text("alias", "obj_alias"),
    text("equipment_status", "obj_status"),
    text("department", "obj_department"),
    text("class", "obj_class"),
    text("category", "obj_category"),
    text("manufacturer", "obj_manufact"),
    text("model", "obj_model"),
    text("serial_number", "obj_serialno"),
    integer("year", "obj_year"),
    timestamp("commission_date", "obj_commiss"),
    timestamp("on_site_date", "obj_onsite"),
    text("assigned_to", "obj_assignedto"),
    text("owner", "obj_owner"),
    text("source", "obj_source"),
    timestamp("last_modified", "obj_updated"),
  ],
};

/** Class and category pairs of the category grid OSCATG. */
export const classificationsEntity: EntityDefinition = {
  name: "classifications",
  table: "classifications",
  grid: { name: "OSCATG", id: 100030 },
  keyAlias: "cat_code",
  keyColumn: "category_id",
  organizationAlias: "cat_org",
  lastModifiedAlias: "cat_updated",
  columns: [
    text("category_name", "cat_desc"),
    text("class_id", "cat_class"),
    text("class_name", "cat_class_desc"),
    text("icon_url", "cat_icon"),
    timestamp("last_modified", "cat_updated"),
  ],
};

export const entities: Record<EntityName, EntityDefinition> = {
  pfa: pfaEntity,
  asset_master: assetMasterEntity,
  classifications: classificationsEntity,
};

/** Returns true when `name` is an entity pems-sync can pull. */
export function isEntityName(name: unknown): name is EntityName {
  return typeof name === "string" && Object.hasOwn(entities, name);
}
