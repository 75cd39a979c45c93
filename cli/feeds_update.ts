import {
  type ApiConfiguration,
  listApiConfigurations,
  loadApiConfiguration,
} from "../db/api_configurations.ts";
import type { Queryable } from "../db/database.ts";
import { feedsSchema } from "../sync/feeds.ts";
import {
  CliError,
  type CliIo,
  type Command,
  main,
  type OptionValues,
  parseId,
  stringOption,
  UsageError,
} from "./command.ts";
import { withCliDatabase } from "./database.ts";

/** The feeds of the PEMS configurations of the original system, by their usage. */
export const standardFeeds: Record<string, unknown[]> = {
  PEMS_PFA_READ: [{
    entity: "pfa",
    views: ["Timeline Lab", "Matrix", "Grid Lab", "PFA 1.0 Lab", "PFA Master Data"],
  }],
  PEMS_PFA_WRITE: [{ entity: "pfa", operation: "write" }],
  PEMS_ASSETS: [{ entity: "asset_master", views: ["Asset Master"] }],
  PEMS_CLASSES: [{ entity: "classifications", views: ["Classifications Master Data"] }],
};

/** JSON with object keys sorted, because jsonb does not keep the key order it was given. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) =>
      item !== null && typeof item === "object" && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
        : item,
  );
}

const show = (feeds: unknown) => feeds === null ? "NULL" : JSON.stringify(feeds);
const label = (config: ApiConfiguration) =>
  `"${config.name}" (id ${config.id}, usage ${config.usage})`;

async function setFeeds(db: Queryable, id: number, feeds: unknown): Promise<void> {
  await db.query(
    "update api_configurations set feeds = $2::text::jsonb, updated_at = now() where id = $1",
    [id, feeds === null ? null : JSON.stringify(feeds)],
  );
}

function parseFeedsOption(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`invalid --feeds '${text}': not JSON (${(error as Error).message})`);
  }
  const parsed = feedsSchema.nullable().safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      `${issue.path.length > 0 ? issue.path.join(".") : "feeds"}: ${issue.message}`
    );
    throw new UsageError(
      `invalid --feeds '${text}': ${problems.join("; ")}. ` +
        `Example: [{"entity":"pfa","views":["Grid Lab"]}]`,
    );
  }
  return parsed.data;
}

async function updateOne(db: Queryable, id: number, feeds: unknown, io: CliIo): Promise<number> {
  const config = await loadApiConfiguration(db, id);
  if (!config) {
    throw new CliError(`API configuration ${id} not found: list them with "deno task feeds:check"`);
  }
  if (canonicalJson(config.feeds) === canonicalJson(feeds)) {
    io.stdout(`unchanged ${label(config)}: feeds are already ${show(feeds)}\n`);
    return 0;
  }
  await setFeeds(db, id, feeds);
  io.stdout(`updated ${label(config)}: ${show(config.feeds)} -> ${show(feeds)}\n`);
  return 0;
}

async function updateStandard(db: Queryable, force: boolean, io: CliIo): Promise<number> {
  const configs = (await listApiConfigurations(db)).filter((config) =>
    Object.hasOwn(standardFeeds, config.usage)
  );
  if (configs.length === 0) {
    io.stdout(
      `no configuration has a PEMS usage (${Object.keys(standardFeeds).join(", ")}): ` +
        `nothing to update. Set feeds of others with --config ID --feeds JSON\n`,
    );
    return 0;
  }
  const tally = { updated: 0, unchanged: 0, kept: 0 };
  for (const config of configs) {
    const standard = standardFeeds[config.usage];
    if (canonicalJson(config.feeds) === canonicalJson(standard)) {
      tally.unchanged++;
      io.stdout(`unchanged ${label(config)}\n`);
    } else if (config.feeds === null || !feedsSchema.safeParse(config.feeds).success || force) {
      await setFeeds(db, config.id, standard);
      tally.updated++;
      io.stdout(`updated ${label(config)}: ${show(config.feeds)} -> ${show(standard)}\n`);
    } else {
      tally.kept++;
      io.stdout(
        `kept ${label(config)}: its feeds ${show(config.feeds)} differ from the standard; ` +
          `pass --force to replace them\n`,
      );
    }
  }
  io.stdout(`${tally.updated} updated, ${tally.unchanged} unchanged, ${tally.kept} kept\n`);
  return 0;
}

/** feeds:update: sets the standard feeds of the PEMS configurations, or the feeds of one. */
export const feedsUpdate: Command = {
  name: "feeds:update",
  usage: "[--force] | --config ID --feeds JSON",
  description: "Sets the standard feeds of the configurations with a PEMS usage " +
    `(${Object.keys(standardFeeds).join(", ")}) where they are NULL or invalid, ` +
    "or sets the feeds of one configuration. Running it again changes nothing.",
  options: [
    { name: "config", type: "string", valueName: "ID", description: "configuration to change" },
    {
      name: "feeds",
      type: "string",
      valueName: "JSON",
      description: `feeds for --config, such as '[{"entity":"pfa"}]', or null to clear them`,
    },
    {
      name: "force",
      type: "boolean",
      description: "also replace standard-usage feeds that differ from the standard",
    },
  ],
  async run(options: OptionValues, io: CliIo) {
    const configText = stringOption(options, "config");
    const feedsText = stringOption(options, "feeds");
    if ((configText === undefined) !== (feedsText === undefined)) {
      throw new UsageError("--config and --feeds go together: --config ID --feeds JSON");
    }
    if (configText !== undefined && feedsText !== undefined) {
      const id = parseId("config", configText);
      const feeds = parseFeedsOption(feedsText);
      return await withCliDatabase(io.env, ({ db }) => updateOne(db, id, feeds, io));
    }
    return await withCliDatabase(
      io.env,
      ({ db }) => updateStandard(db, options.force === true, io),
    );
  },
};

if (import.meta.main) await main(feedsUpdate);
