/**
 * Row values of the PFA grid `CUPFAG`.
 *
 * All draws from the row's base generator happen before a revision change is applied, so a
 * change alters only the business columns it touches and never shifts other columns.
 *
 * @module
 */

import type { CategoryInfo, RowGenerator } from "./generator.ts";
import { columnIndexes, PFA_GRID } from "./grids.ts";
import { baseUpdateTime, revisionUpdateTime } from "./revisions.ts";
import { dayNumber, formatCents, formatDate, padNumber, type Rng } from "./values.ts";
import {
  AREAS,
  CATEGORY_GROUPS,
  CHANGE_NOTES,
  MANUFACTURERS,
  PROJECT_DESCRIPTIONS,
  USERS,
} from "./vocabulary.ts";

const C = columnIndexes(PFA_GRID, PFA_GRID.fields.map((field) => field.name));
const FIRST_PLAN_DAY = dayNumber(2024, 1, 1);
const PLAN_START_DAYS = 900;
const DAYS_PER_MONTH = 30.44;
/** First `pfs_id`. 1,000,000 + index keeps 7 digits, so text order equals numeric order. */
const FIRST_PFA_ID = 1_000_000;
const USER_TEXT = ["PRIORITY", "LONG LEAD", "CRITICAL PATH", "SHARED"];

/** Values that revision changes may alter, plus what they derive from. */
interface PfaValues {
  category: CategoryInfo;
  area: string;
  description: string;
  planSource: string;
  planMonths: number;
  planStart: number | null;
  planRate: number | null;
  planPrice: number | null;
  source: string;
  start: number | null;
  end: number | null;
  rate: number | null;
  price: number | null;
  updated: string;
  changedBy: string;
  lastRevision: number;
}

/** Generates the cells of one PFA row in field order. */
export function generatePfaCells(
  generator: RowGenerator,
  rng: Rng,
  organization: string,
  index: number,
  step: number,
  change: Rng | null,
): string[] {
  const cells = new Array<string>(PFA_GRID.fields.length).fill("");
  cells[C.pfs_id] = String(FIRST_PFA_ID + index);
  cells[C.pfs_a_org] = organization;

  const values = drawValues(generator, rng, organization);
  writePlanCells(cells, rng, generator, organization, values);
  writeOtherCells(cells, rng, organization, index, values);
  if (change) applyChange(values, change, step);
  writeForecastCells(cells, values);
  return cells;
}

function drawValues(generator: RowGenerator, rng: Rng, organization: string): PfaValues {
  const category = generator.category(organization, rng.below(generator.classificationLimit()));
  const area = rng.pick(AREAS);
  const planSource = rng.chance(70) ? "RENTAL" : "PURCHASE";
  const planMonths = rng.between(1, 36);
  const planStart = rng.chance(97) ? FIRST_PLAN_DAY + rng.below(PLAN_START_DAYS) : null;
  const baseRate = rng.between(300, 190_000) * 50;
  const basePrice = rng.between(20, 50_000) * 10_000;
  const planRate = planSource === "RENTAL" ? baseRate : null;
  const planPrice = planSource === "PURCHASE" ? basePrice : null;

  const source = rng.chance(92) ? planSource : (planSource === "RENTAL" ? "PURCHASE" : "RENTAL");
  const shiftedStart = (planStart ?? FIRST_PLAN_DAY + rng.below(PLAN_START_DAYS)) +
    rng.between(-30, 60);
  const hasForecastDates = rng.chance(98);
  const start = hasForecastDates ? shiftedStart : null;
  const end = hasForecastDates
    ? shiftedStart + Math.round(planMonths * DAYS_PER_MONTH) + rng.between(-15, 45)
    : null;
  const escalation = rng.between(95, 115) / 100;
  const rate = source === "RENTAL" && rng.chance(96) ? roundTo50(baseRate * escalation) : null;
  const price = source === "PURCHASE" ? Math.round(basePrice * escalation / 100) * 100 : null;

  return {
    category,
    area,
    description: `${category.code} ${category.description} - ${area}`,
    planSource,
    planMonths,
    planStart,
    planRate,
    planPrice,
    source,
    start,
    end,
    rate,
    price,
    updated: baseUpdateTime(rng),
    changedBy: rng.pick(USERS),
    lastRevision: rng.between(0, 8),
  };
}

function applyChange(values: PfaValues, change: Rng, step: number): void {
  if (values.rate !== null) values.rate = roundTo50(values.rate * change.between(90, 120) / 100);
  if (values.start !== null && values.end !== null) {
    const shift = change.between(-45, 60);
    values.start += shift;
    values.end += shift + change.between(0, 60);
  }
  if (change.chance(15)) {
    if (values.source === "RENTAL") {
      values.source = "PURCHASE";
      values.price = (values.rate ?? 100_000) * change.between(10, 30);
      values.rate = null;
    } else {
      values.source = "RENTAL";
      values.rate = roundTo50((values.price ?? 2_000_000) / change.between(15, 40));
      values.price = null;
    }
  }
  if (change.chance(40)) values.description += ` - ${change.pick(CHANGE_NOTES)}`;
  values.updated = revisionUpdateTime(change, step);
  values.changedBy = change.pick(USERS);
  values.lastRevision += step;
}

function writePlanCells(
  cells: string[],
  rng: Rng,
  generator: RowGenerator,
  organization: string,
  values: PfaValues,
): void {
  const { category, planSource, planMonths, planStart, planRate, planPrice } = values;
  const [manufacturer, modelPrefixes] = rng.pick(MANUFACTURERS);
  const projectIndex = rng.below(PROJECT_DESCRIPTIONS.length);
  const projectNumber = `${organization.slice(0, 3)}-${2100 + projectIndex * 37}`;
  const ocrRate = planRate !== null && rng.chance(40) ? roundTo50(planRate * 0.9) : null;
  const createdDay = (planStart ?? FIRST_PLAN_DAY) - rng.between(30, 400);

  cells[C.pfs_orig_rowid] = String(rng.between(100_000, 999_999));
  cells[C.pfs_p_revision] = String(rng.between(1, 12));
  cells[C.pfs_p_projnum] = projectNumber;
  cells[C.pfs_p_essdesc] = PROJECT_DESCRIPTIONS[projectIndex];
  cells[C.pfs_a_catgroup] = rng.pick(CATEGORY_GROUPS);
  cells[C.pfs_a_class] = category.classCode;
  cells[C.pfs_a_category] = category.code;
  cells[C.pfs_a_catdesc] = category.description;
  cells[C.pfs_a_manufact] = manufacturer;
  cells[C.pfs_a_model] = `${rng.pick(modelPrefixes)}${rng.between(10, 9990)}`;
  cells[C.pfs_f_manufact] = manufacturer;
  cells[C.pfs_f_model] = rng.chance(90)
    ? cells[C.pfs_a_model]
    : `${rng.pick(modelPrefixes)}${rng.between(10, 9990)}`;
  cells[C.pfs_a_source] = planSource;
  cells[C.pfs_a_dor] = rng.chance(40) ? "BEO" : "PROJECT";
  cells[C.pfs_f_dor] = rng.chance(95) ? cells[C.pfs_a_dor] : "PROJECT";
  cells[C.pfs_p_budgetcode] = `${projectNumber}-${category.classCode}`;
  cells[C.pfs_p_duration] = String(planMonths);
  cells[C.pfs_p_startdate] = dateCell(planStart);
  cells[C.pfs_p_enddate] = dateCell(planEnd(planStart, planMonths));
  cells[C.pfs_a_rate] = centsCell(planRate);
  cells[C.pfs_a_rate_uom] = planRate === null ? "" : "MONTH";
  cells[C.pfs_a_ocrrate] = centsCell(ocrRate);
  cells[C.pfs_a_ocr_uom] = ocrRate === null ? "" : "MONTH";
  cells[C.pfs_a_rateused] = planRate === null ? "" : (ocrRate !== null ? "OCR" : "ESCALATED");
  cells[C.pfs_a_price] = centsCell(planPrice);
  cells[C.pfs_a_estimatedamt] = centsCell(planRate === null ? null : planRate * planMonths);
  cells[C.pfs_a_createdate] = formatDate(createdDay);
  cells[C.pfs_a_moddate] = formatDate(createdDay + rng.below(120));
  writePlanCosts(cells, rng, values, ocrRate);
  cells[C.pfs_equipment] = rng.chance(35) && generator.settings.assetRows > 0
    ? generator.assetTag(organization, rng.below(generator.settings.assetRows))
    : "";
}

function writePlanCosts(cells: string[], rng: Rng, values: PfaValues, ocrRate: number | null) {
  cells[C.pfs_a_leadtimerental] = String(rng.between(0, 60));
  cells[C.pfs_a_leadtimepurchase] = String(rng.between(14, 180));
  cells[C.pfs_a_qsr] = centsCell(rng.chance(50) ? rng.between(0, 200_000) * 10 : null);
  cells[C.pfs_a_totalocrr] = centsCell(ocrRate === null ? null : ocrRate * values.planMonths);
  cells[C.pfs_a_depreciation] = centsCell(values.planPrice === null ? null : values.planPrice / 5);
  cells[C.pfs_a_mitigation] = centsCell(rng.chance(15) ? rng.between(100, 50_000) * 100 : null);
  cells[C.pfs_a_freight] = centsCell(rng.chance(60) ? rng.between(0, 25_000) * 100 : null);
  cells[C.pfs_a_consumables] = centsCell(rng.chance(30) ? rng.between(50, 20_000) * 100 : null);
}

function writeOtherCells(
  cells: string[],
  rng: Rng,
  organization: string,
  index: number,
  values: PfaValues,
): void {
  const actualized = rng.chance(15);
  const contract = rng.chance(30)
    ? `CT-${organization.slice(0, 3)}-${rng.between(1000, 9999)}`
    : "";
  cells[C.pfs_f_leadtime] = String(rng.between(0, 120));
  cells[C.pfs_f_consumables] = centsCell(rng.chance(30) ? rng.between(50, 20_000) * 100 : null);
  cells[C.pfa_act] = actualized ? "+" : "-";
  cells[C.pfa_dis] = rng.chance(5) ? "Y" : "N";
  cells[C.pfs_ft] = rng.chance(20) ? "-1" : "0";
  cells[C.pfs_a_corporate] = values.area;
  cells[C.pfs_f_freight] = centsCell(rng.chance(50) ? rng.between(0, 30_000) * 100 : null);
  cells[C.pfs_orig_pfs_id] = index > 0 && rng.chance(8)
    ? String(FIRST_PFA_ID + rng.below(index))
    : "";
  cells[C.pfa_ca_contract] = contract;
  cells[C.pfa_ca_contractre] = contract === "" ? "" : String(rng.between(0, 4));
  cells[C.pfa_act_date] = actualized ? dateCell(values.planStart ?? FIRST_PLAN_DAY) : "";
  cells[C.pfa_act_by] = actualized ? rng.pick(USERS) : "";
  cells[C.pfs_udfdate01] = rng.chance(15) ? formatDate(FIRST_PLAN_DAY + rng.below(1000)) : "";
  cells[C.pfs_udfdate02] = rng.chance(10) ? formatDate(FIRST_PLAN_DAY + rng.below(1000)) : "";
  cells[C.pfs_udfdate03] = rng.chance(5) ? formatDate(FIRST_PLAN_DAY + rng.below(1000)) : "";
  cells[C.pfs_udfchar01] = rng.chance(20) ? rng.pick(USER_TEXT) : "";
  cells[C.pfs_udfchar02] = rng.chance(10) ? `WO${padNumber(rng.below(1_000_000), 6)}` : "";
}

function writeForecastCells(cells: string[], values: PfaValues): void {
  const { category, start, end, rate, price } = values;
  const months = start === null || end === null
    ? null
    : Math.max(1, Math.round((end - start + 1) / DAYS_PER_MONTH));
  const forecastAmount = rate === null || months === null ? null : rate * months;
  const planAmount = values.planRate === null ? null : values.planRate * values.planMonths;

  cells[C.pfs_desc] = values.description;
  cells[C.pfs_f_class] = category.classCode;
  cells[C.pfs_f_category] = category.code;
  cells[C.pfs_f_catdesc] = category.description;
  cells[C.pfs_f_source] = values.source;
  cells[C.pfs_f_startdate] = dateCell(start);
  cells[C.pfs_f_enddate] = dateCell(end);
  cells[C.pfs_f_duration] = months === null ? "" : String(months);
  cells[C.pfs_f_rate] = centsCell(rate);
  cells[C.pfs_f_rate_uom] = rate === null ? "" : "MONTH";
  cells[C.pfs_f_price] = centsCell(price);
  cells[C.pfs_f_estimatedamt] = centsCell(forecastAmount);
  cells[C.pfs_a_variance] = forecastAmount === null || planAmount === null
    ? ""
    : formatCents(forecastAmount - planAmount);
  cells[C.pfs_f_intlastupdated] = values.updated;
  cells[C.pfs_f_last_revision] = String(values.lastRevision);
  cells[C.pfs_f_last_change_by] = values.changedBy;
}

function planEnd(start: number | null, months: number): number | null {
  return start === null ? null : start + Math.round(months * DAYS_PER_MONTH) - 1;
}

function roundTo50(cents: number): number {
  return Math.max(50, Math.round(cents / 50) * 50);
}

function dateCell(day: number | null): string {
  return day === null ? "" : formatDate(day);
}

function centsCell(cents: number | null): string {
  return cents === null ? "" : formatCents(cents);
}
