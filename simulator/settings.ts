/**
 * Settings of the standalone simulator server, read from `PEMS_SIM_*` environment variables,
 * and the `ORG=ROWS,...` row-count syntax they use.
 *
 * @module
 */

import { validateFaults } from "./faults.ts";
import type { SimulatorOptions } from "./handler.ts";
import { MAX_REVISION } from "./revisions.ts";

/** Largest PFA row count per organization: `pfs_id` = 1,000,000 + index must keep 7 digits. */
export const MAX_PFA_ROWS = 9_000_000;

/** Listen address and simulator options of the standalone server. */
export interface ServerSettings {
  hostname: string;
  port: number;
  options: SimulatorOptions;
}

const ORGANIZATION_CODE = /^[^\s,=]+$/;

/**
 * Parses per-organization row counts such as `RIO=200000,HOLNG=5000`. Spaces around parts are
 * ignored and digits may be grouped with `_`. Blank text gives no counts. Throws an Error that
 * names the bad part.
 */
export function parseRowsSetting(text: string): Record<string, number> {
  const rows: Record<string, number> = {};
  if (text.trim() === "") return rows;
  for (const rawPart of text.split(",")) {
    const part = rawPart.trim();
    const match = /^([^=]*)=(.*)$/.exec(part);
    if (!match) {
      throw new Error(`invalid rows setting part "${part}": expected ORG=ROWS, e.g. RIO=20000`);
    }
    const organization = match[1].trim();
    const count = match[2].trim();
    if (!ORGANIZATION_CODE.test(organization)) {
      throw new Error(`invalid organization code "${organization}" in rows setting part "${part}"`);
    }
    if (!/^\d[\d_]*$/.test(count) || Number(count.replaceAll("_", "")) > MAX_PFA_ROWS) {
      throw new Error(
        `invalid row count "${count}" in rows setting part "${part}": ` +
          `expected an integer from 0 to ${MAX_PFA_ROWS}`,
      );
    }
    if (organization in rows) {
      throw new Error(`duplicate organization ${organization} in rows setting part "${part}"`);
    }
    rows[organization] = Number(count.replaceAll("_", ""));
  }
  return rows;
}

/**
 * Reads the server settings from environment variables. Throws an Error naming the variable
 * and its value when one is invalid.
 *
 * - `PEMS_SIM_HOST` (default 127.0.0.1) and `PEMS_SIM_PORT` (default 8070, and 0 picks a free port)
 * - `PEMS_SIM_ROWS`: PFA rows per organization, e.g. `RIO=200000,HOLNG=5000`
 * - `PEMS_SIM_REVISION` (default 0) and `PEMS_SIM_SEED` (default 1): integers
 * - `PEMS_SIM_TENANT`, `PEMS_SIM_USERNAME`, `PEMS_SIM_PASSWORD` and `PEMS_SIM_API_KEY`
 * - `PEMS_SIM_FAULTS`: a JSON array of faults (see `SimulatorFault`), such as
 *   `[{"kind":"status","status":503,"times":2}]`
 */
export function readServerSettings(getEnv: (name: string) => string | undefined): ServerSettings {
  const read = (name: string): string | undefined => {
    const value = getEnv(name);
    return value === undefined || value.trim() === "" ? undefined : value;
  };
  const options: SimulatorOptions = {};

  const rows = read("PEMS_SIM_ROWS");
  if (rows !== undefined) {
    try {
      options.pfaRows = parseRowsSetting(rows);
    } catch (error) {
      throw new Error(`invalid PEMS_SIM_ROWS "${rows}": ${(error as Error).message}`);
    }
  }
  const revision = readInteger(read, "PEMS_SIM_REVISION", 0, MAX_REVISION);
  if (revision !== undefined) options.revision = revision;
  const seed = readInteger(read, "PEMS_SIM_SEED", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (seed !== undefined) options.seed = seed;

  const text: [keyof SimulatorOptions, string][] = [
    ["tenant", "PEMS_SIM_TENANT"],
    ["username", "PEMS_SIM_USERNAME"],
    ["password", "PEMS_SIM_PASSWORD"],
    ["apiKey", "PEMS_SIM_API_KEY"],
  ];
  for (const [option, name] of text) {
    const value = read(name);
    if (value !== undefined) (options as Record<string, unknown>)[option] = value;
  }
  const faults = read("PEMS_SIM_FAULTS");
  if (faults !== undefined) options.faults = parseFaultsSetting(faults);
  if (options.username?.includes(":")) {
    throw new Error(`invalid PEMS_SIM_USERNAME "${options.username}": Basic auth forbids ":"`);
  }

  return {
    hostname: read("PEMS_SIM_HOST") ?? "127.0.0.1",
    port: readInteger(read, "PEMS_SIM_PORT", 0, 65_535) ?? 8070,
    options,
  };
}

/** Parses `PEMS_SIM_FAULTS`. Throws an Error naming the bad field, such as `[0].kind`. */
function parseFaultsSetting(text: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `invalid PEMS_SIM_FAULTS (${(error as Error).message}): ` +
        `expected a JSON array such as [{"kind":"status","status":503}]`,
    );
  }
  return validateFaults(parsed, "PEMS_SIM_FAULTS");
}

function readInteger(
  read: (name: string) => string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = read(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new Error(`invalid ${name} "${text}": expected an integer from ${min} to ${max}`);
  }
  return value;
}
