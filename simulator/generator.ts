/**
 * Deterministic row values. A row's cells depend only on the seed, the grid, the organization,
 * the row index and the last revision step that changed the row. So any row can be generated on
 * its own, and going back to revision 0 restores the original data.
 *
 * @module
 */

import {
  ASSET_GRID,
  CLASSIFICATION_GRID,
  columnIndexes,
  type GridDefinition,
  PFA_GRID,
} from "./grids.ts";
import { generatePfaCells } from "./pfa_rows.ts";
import { baseUpdateTime, lastChangeStep, revisionDay, revisionUpdateTime } from "./revisions.ts";
import {
  combineHash,
  dayNumber,
  formatDate,
  hashInteger,
  hashText,
  padNumber,
  Rng,
} from "./values.ts";
import {
  CLASS_NAMES,
  DEPARTMENTS,
  EQUIPMENT_TYPES,
  MANUFACTURERS,
  RENTAL_COMPANIES,
  USERS,
} from "./vocabulary.ts";

/** Inputs that shape the generated data besides the organization and row index. */
export interface GeneratorSettings {
  seed: number;
  /** Asset rows per organization. PFA rows reference assets below this index. */
  assetRows: number;
  /** Classification rows per organization. PFA and asset rows reference these categories. */
  classificationRows: number;
}

/** A classification row as other grids reference it (its revision 0 values). */
export interface CategoryInfo {
  code: string;
  classCode: string;
  classDescription: string;
  description: string;
}

const GRID_SALTS = new Map([PFA_GRID, ASSET_GRID, CLASSIFICATION_GRID].map((grid) => [
  grid.name,
  hashText(grid.name),
]));
const CLASSIFICATION_SALT = hashText(CLASSIFICATION_GRID.name);
const CHANGE_SALT = 0x5bd1e995;
const ASSET_COLUMN = columnIndexes(ASSET_GRID, [
  "obj_code",
  "obj_org",
  "obj_desc",
  "obj_alias",
  "obj_status",
  "obj_department",
  "obj_class",
  "obj_category",
  "obj_manufact",
  "obj_model",
  "obj_serialno",
  "obj_year",
  "obj_commiss",
  "obj_onsite",
  "obj_assignedto",
  "obj_owner",
  "obj_source",
  "obj_updated",
]);
const CLASSIFICATION_COLUMN = columnIndexes(CLASSIFICATION_GRID, [
  "cat_code",
  "cat_org",
  "cat_desc",
  "cat_class",
  "cat_class_desc",
  "cat_icon",
  "cat_updated",
]);

/** Generates grid rows for one seed. */
export class RowGenerator {
  readonly settings: GeneratorSettings;
  private readonly seedHash: number;
  private readonly organizationHashes = new Map<string, number>();

  constructor(settings: GeneratorSettings) {
    this.settings = settings;
    this.seedHash = hashInteger(settings.seed);
  }

  /**
   * Generates the cells of row `index` (0-based) of `organization`, in field order, as of
   * `revision`. Throws for a grid that is not simulated.
   */
  generate(grid: GridDefinition, organization: string, index: number, revision: number): string[] {
    const seed = this.rowSeed(grid.name, organization, index);
    const step = lastChangeStep(seed, revision);
    const change = step === 0 ? null : new Rng(combineHash(seed ^ CHANGE_SALT, step));
    const rng = new Rng(seed);
    switch (grid.name) {
      case PFA_GRID.name:
        return generatePfaCells(this, rng, organization, index, step, change);
      case ASSET_GRID.name:
        return this.assetCells(rng, organization, index, step, change);
      case CLASSIFICATION_GRID.name:
        return this.classificationCells(rng, organization, index, step, change);
    }
    throw new Error(`no row generator for grid ${grid.name}`);
  }

  /** Returns the revision 0 values of classification row `index` of `organization`. */
  category(organization: string, index: number): CategoryInfo {
    const rng = new Rng(this.rowSeedWithSalt(CLASSIFICATION_SALT, organization, index));
    return categoryFrom(rng, index);
  }

  /** Returns the asset tag (`obj_code`) of asset row `index`. */
  assetTag(organization: string, index: number): string {
    return `${organization}-EQ-${padNumber(index, 6)}`;
  }

  private rowSeed(gridName: string, organization: string, index: number): number {
    const salt = GRID_SALTS.get(gridName);
    if (salt === undefined) throw new Error(`no row generator for grid ${gridName}`);
    return this.rowSeedWithSalt(salt, organization, index);
  }

  private rowSeedWithSalt(salt: number, organization: string, index: number): number {
    let organizationHash = this.organizationHashes.get(organization);
    if (organizationHash === undefined) {
      organizationHash = hashText(organization);
      this.organizationHashes.set(organization, organizationHash);
    }
    return combineHash(combineHash(combineHash(this.seedHash, salt), organizationHash), index);
  }

  private classificationCells(
    rng: Rng,
    organization: string,
    index: number,
    step: number,
    change: Rng | null,
  ): string[] {
    const category = categoryFrom(rng, index);
    let description = category.description;
    let icon = rng.chance(70) ? `/images/categories/${category.code}.png` : "";
    let updated = baseUpdateTime(rng);
    if (change) {
      const type = change.pick(EQUIPMENT_TYPES);
      description = `${type[0]} ${change.pick(type[1])}`;
      icon = change.chance(80) ? `/images/categories/${category.code}-r${step}.png` : "";
      updated = revisionUpdateTime(change, step);
    }

    const cells = new Array<string>(CLASSIFICATION_GRID.fields.length).fill("");
    cells[CLASSIFICATION_COLUMN.cat_code] = category.code;
    cells[CLASSIFICATION_COLUMN.cat_org] = organization;
    cells[CLASSIFICATION_COLUMN.cat_desc] = description;
    cells[CLASSIFICATION_COLUMN.cat_class] = category.classCode;
    cells[CLASSIFICATION_COLUMN.cat_class_desc] = category.classDescription;
    cells[CLASSIFICATION_COLUMN.cat_icon] = icon;
    cells[CLASSIFICATION_COLUMN.cat_updated] = updated;
    return cells;
  }

  private assetCells(
    rng: Rng,
    organization: string,
    index: number,
    step: number,
    change: Rng | null,
  ): string[] {
    const category = this.category(organization, rng.below(this.classificationLimit()));
    const [manufacturer, modelPrefixes] = rng.pick(MANUFACTURERS);
    const year = rng.between(1998, 2025);
    const commissionDay = dayNumber(year, 1, 1) + rng.below(365);
    const rented = rng.chance(55);
    let status = rng.chance(80) ? "I" : rng.pick(["A", "D"]);
    let assignedTo = rng.chance(60) ? rng.pick(USERS) : "";
    let onSite = rng.chance(80) ? formatDate(commissionDay + rng.between(0, 60)) : "";
    let updated = baseUpdateTime(rng);
    if (change) {
      status = change.pick(["I", "I", "A", "D"]);
      assignedTo = change.chance(70) ? change.pick(USERS) : "";
      onSite = formatDate(revisionDay(step) - change.below(30));
      updated = revisionUpdateTime(change, step);
    }

    const cells = new Array<string>(ASSET_GRID.fields.length).fill("");
    cells[ASSET_COLUMN.obj_code] = this.assetTag(organization, index);
    cells[ASSET_COLUMN.obj_org] = organization;
    cells[ASSET_COLUMN.obj_desc] = `${category.description} UNIT ${rng.between(1, 99)}`;
    cells[ASSET_COLUMN.obj_alias] = `${category.code}-${padNumber(index % 10_000, 4)}`;
    cells[ASSET_COLUMN.obj_status] = status;
    cells[ASSET_COLUMN.obj_department] = rng.pick(DEPARTMENTS);
    cells[ASSET_COLUMN.obj_class] = category.classCode;
    cells[ASSET_COLUMN.obj_category] = category.code;
    cells[ASSET_COLUMN.obj_manufact] = manufacturer;
    cells[ASSET_COLUMN.obj_model] = `${rng.pick(modelPrefixes)}${rng.between(10, 9990)}`;
    cells[ASSET_COLUMN.obj_serialno] = `SN${padNumber(rng.next(), 10)}`;
    cells[ASSET_COLUMN.obj_year] = String(year);
    cells[ASSET_COLUMN.obj_commiss] = rng.chance(90) ? formatDate(commissionDay) : "";
    cells[ASSET_COLUMN.obj_onsite] = onSite;
    cells[ASSET_COLUMN.obj_assignedto] = assignedTo;
    cells[ASSET_COLUMN.obj_owner] = rented ? rng.pick(RENTAL_COMPANIES) : organization;
    cells[ASSET_COLUMN.obj_source] = rented ? "RENTAL" : "OWNED";
    cells[ASSET_COLUMN.obj_updated] = updated;
    return cells;
  }

  /** Returns the number of categories that rows may reference (at least 1). */
  classificationLimit(): number {
    return Math.max(1, this.settings.classificationRows);
  }
}

function categoryFrom(rng: Rng, index: number): CategoryInfo {
  // Codes ascend with the index because each row owns the ten codes 1000 + 10 * index + 0..9.
  const code = padNumber(1000 + index * 10 + rng.below(10), 5);
  const classCode = code.slice(0, 2);
  const [typeName, capacities] = rng.pick(EQUIPMENT_TYPES);
  return {
    code,
    classCode,
    classDescription: CLASS_NAMES[Number(classCode) % CLASS_NAMES.length],
    description: `${typeName} ${rng.pick(capacities)}`,
  };
}
