import { type ApiConfiguration, listApiConfigurations } from "../db/api_configurations.ts";
import { pullEntities } from "../sync/feeds.ts";
import { type CliIo, type Command, main, type OptionValues } from "./command.ts";
import { withCliDatabase } from "./database.ts";
import { formatCount, formatInstant, formatTable } from "./table.ts";

/** One configuration as feeds:check prints it with --json. */
export interface FeedsReport {
  id: number;
  name: string;
  usage: string;
  operationType: string;
  feeds: unknown;
  /** Entities a sync can pull; empty means the admin page shows no sync button. */
  pulls: string[];
  firstSyncAt: string | null;
  lastSyncAt: string | null;
  lastSyncRecordCount: number | null;
  totalSyncRecordCount: number | null;
}

function toReport(config: ApiConfiguration): FeedsReport {
  const iso = (value: Date | null) => value === null ? null : new Date(value).toISOString();
  return {
    id: config.id,
    name: config.name,
    usage: config.usage,
    operationType: config.operationType,
    feeds: config.feeds,
    pulls: pullEntities(config.feeds),
    firstSyncAt: iso(config.firstSyncAt),
    lastSyncAt: iso(config.lastSyncAt),
    lastSyncRecordCount: config.lastSyncRecordCount,
    totalSyncRecordCount: config.totalSyncRecordCount,
  };
}

function printTable(reports: FeedsReport[], io: CliIo): void {
  const headers = [
    "ID",
    "NAME",
    "USAGE",
    "OPERATION",
    "FIRST SYNC",
    "LAST SYNC",
    "LAST COUNT",
    "TOTAL COUNT",
    "FEEDS",
  ];
  const rows = reports.map((report) => [
    String(report.id),
    report.name,
    report.usage,
    report.operationType,
    formatInstant(report.firstSyncAt),
    formatInstant(report.lastSyncAt),
    formatCount(report.lastSyncRecordCount),
    formatCount(report.totalSyncRecordCount),
    report.feeds === null ? "NULL" : JSON.stringify(report.feeds),
  ]);
  io.stdout(formatTable(headers, rows));

  const withoutFeeds = reports.filter((report) => report.feeds === null);
  if (withoutFeeds.length > 0) {
    const names = withoutFeeds.map((report) => `"${report.name}"`).join(", ");
    io.stdout(
      `\n${withoutFeeds.length} configuration(s) without feeds (NULL), so no sync can start: ` +
        `${names}.\nRun "deno task feeds:update" to set the standard PEMS feeds.\n`,
    );
  }
}

/** feeds:check: lists every API configuration with its feeds and sync statistics. */
export const feedsCheck: Command = {
  name: "feeds:check",
  usage: "[--json]",
  description: "Lists every API configuration with its feeds (NULL when unset), operation type " +
    "and sync statistics, read from the database the service uses (DATABASE_URL, else PGlite " +
    "in DATA_DIR, which needs the service stopped).",
  options: [{
    name: "json",
    type: "boolean",
    description: "print a JSON array instead of a table",
  }],
  async run(options: OptionValues, io: CliIo) {
    const configs = await withCliDatabase(io.env, ({ db }) => listApiConfigurations(db));
    const reports = configs.map(toReport);
    if (options.json) {
      io.stdout(JSON.stringify(reports, null, 2) + "\n");
    } else if (reports.length === 0) {
      io.stdout("no API configurations: create one in the admin pages or POST /api/configs\n");
    } else {
      printTable(reports, io);
    }
    return 0;
  },
};

if (import.meta.main) await main(feedsCheck);
