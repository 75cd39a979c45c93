/**
 * Word lists that generated rows draw from. Every list must stay non-empty, and reordering a
 * list changes the generated data for every seed.
 *
 * @module
 */

/** Class names by class number modulo the list length. */
export const CLASS_NAMES = [
  "CRANES",
  "EARTHMOVING",
  "POWER GENERATION",
  "COMPRESSED AIR",
  "AERIAL WORK PLATFORMS",
  "LIGHT VEHICLES",
  "HEAVY VEHICLES",
  "LIFTING ACCESSORIES",
  "WELDING",
  "PUMPS",
  "LIGHTING",
  "SITE FACILITIES",
  "SURVEY INSTRUMENTS",
  "HAND AND POWER TOOLS",
  "MATERIAL HANDLING",
  "CONCRETE EQUIPMENT",
  "MARINE EQUIPMENT",
  "TEST EQUIPMENT",
  "HVAC",
  "SAFETY EQUIPMENT",
] as const;

/** Equipment types, each with the capacity suffixes that suit it. */
export const EQUIPMENT_TYPES: readonly (readonly [string, readonly string[]])[] = [
  ["CRAWLER CRANE", ["100T", "250T", "400T", "600T"]],
  ["ROUGH TERRAIN CRANE", ["30T", "60T", "90T"]],
  ["ALL TERRAIN CRANE", ["100T", "220T", "500T"]],
  ["HYDRAULIC EXCAVATOR", ["20T", "30T", "50T", "90T"]],
  ["WHEEL LOADER", ["3M3", "5M3"]],
  ["DOZER", ["D6", "D8", "D10"]],
  ["MOTOR GRADER", ["14FT", "16FT"]],
  ["ARTICULATED DUMP TRUCK", ["30T", "40T"]],
  ["DIESEL GENERATOR", ["60KVA", "250KVA", "500KVA", "1000KVA"]],
  ["AIR COMPRESSOR", ["185CFM", "375CFM", "750CFM", "1600CFM"]],
  ["LIGHT TOWER", ["4X1000W", "LED"]],
  ["BOOM LIFT", ["40FT", "60FT", "80FT", "135FT"]],
  ["SCISSOR LIFT", ["19FT", "26FT", "40FT"]],
  ["TELEHANDLER", ["6M", "12M", "17M"]],
  ["FORKLIFT", ["2.5T", "5T", "10T"]],
  ["PICKUP TRUCK", ["4X4", "CREW CAB"]],
  ["WATER TRUCK", ["4000GAL", "8000GAL"]],
  ["WELDING MACHINE", ["400A", "500A"]],
  ["SUBMERSIBLE PUMP", ["3IN", "6IN"]],
  ["TRASH PUMP", ["4IN", "6IN"]],
  ["OFFICE TRAILER", ["10X40", "12X60"]],
  ["TOILET TRAILER", ["2 STALL", "8 STALL"]],
  ["TOTAL STATION", ["1SEC", "5SEC"]],
  ["PLATE COMPACTOR", ["500LB", "800LB"]],
  ["CONCRETE PUMP", ["38M", "52M"]],
  ["CHAIN HOIST", ["2T", "5T", "10T"]],
  ["SPREADER BAR", ["20T", "50T"]],
  ["FUEL TANK", ["1000GAL", "5000GAL"]],
  ["INDIRECT HEATER", ["500K BTU", "1M BTU"]],
  ["DESICCANT DEHUMIDIFIER", ["1500CFM", "5000CFM"]],
];

/** Manufacturers, each with model prefixes. */
export const MANUFACTURERS: readonly (readonly [string, readonly string[]])[] = [
  ["CATERPILLAR", ["CAT", "C"]],
  ["LIEBHERR", ["LR", "LTM"]],
  ["MANITOWOC", ["MLC", "M"]],
  ["KOMATSU", ["PC", "WA"]],
  ["JLG", ["E", "G"]],
  ["GENIE", ["GS", "S"]],
  ["ATLAS COPCO", ["XAS", "QAS"]],
  ["DOOSAN", ["DX", "P"]],
  ["TEREX", ["RT", "AC"]],
  ["LINCOLN ELECTRIC", ["VANTAGE", "RANGER"]],
  ["GODWIN", ["CD", "HL"]],
  ["WACKER NEUSON", ["WP", "DPU"]],
  ["TOYOTA", ["8FG", "HILUX"]],
  ["FORD", ["F"]],
  ["TRIMBLE", ["S", "SX"]],
];

/** Area/silo codes (`pfs_a_corporate`). */
export const AREAS = ["INFRA", "MINING", "PROCESS", "UTILITIES", "MARINE", "CAMP"] as const;

/** Category groups of PFA rows. */
export const CATEGORY_GROUPS = [
  "HEAVY EQUIPMENT",
  "LIGHT EQUIPMENT",
  "VEHICLES",
  "FACILITIES",
  "TOOLS",
] as const;

/** Project descriptions, chosen by project number. */
export const PROJECT_DESCRIPTIONS = [
  "TRAIN 1 EXPANSION",
  "JETTY REFURBISHMENT",
  "CONCENTRATOR UPGRADE",
  "TAILINGS DAM RAISE",
  "POWER STATION RETROFIT",
  "ACCESS ROAD WIDENING",
  "CAMP CONSTRUCTION",
  "PIPE RACK INSTALLATION",
  "SUBSTATION 2",
  "SHUTDOWN 2026",
] as const;

/** Notes that a revision appends to a changed PFA description. */
export const CHANGE_NOTES = [
  "EXTENDED",
  "RESCHEDULED",
  "SCOPE CHANGE",
  "EARLY DEMOB",
  "REPLACEMENT UNIT",
  "ADDITIONAL UNIT",
] as const;

/** User codes for "changed by" and "assigned to" columns. */
export const USERS = [
  "JSMITH",
  "MGARCIA",
  "APATEL",
  "LNGUYEN",
  "RJOHNSON",
  "KMULLER",
  "SOKAFOR",
  "TBROWN",
  "DSILVA",
  "HTANAKA",
  "CWILSON",
  "PROSSI",
] as const;

/** Asset departments. */
export const DEPARTMENTS = ["MECH", "ELEC", "CIVIL", "LOGIS", "OPS", "HSE", "SURVEY"] as const;

/** Owners of rented assets. Owned assets belong to the organization itself. */
export const RENTAL_COMPANIES = [
  "NORTHWIND RENTALS",
  "SUMMIT EQUIPMENT HIRE",
  "COASTAL CRANE SERVICES",
  "IRONCLAD PLANT HIRE",
] as const;
