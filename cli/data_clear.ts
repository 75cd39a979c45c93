import type { Queryable } from "../db/database.ts";
import { entities, type EntityName } from "../sync/entities.ts";
import {
  CliError,
  type CliIo,
  type Command,
  main,
  type OptionValues,
  parseChoice,
  parseOrganization,
  stringOption,
  UsageError,
} from "./command.ts";
import { withCliDatabase } from "./database.ts";
import { formatCount } from "./table.ts";

const entityNames = Object.keys(entities) as EntityName[];

/** Synced rows to delete: one entity, of one organization or of all. */
interface ClearTarget {
  entity: EntityName;
  /** Undefined with --all. */
  organization?: string;
}

function describe(target: ClearTarget, count: number): string {
  const scope = target.organization === undefined
    ? "of every organization"
    : `of organization ${target.organization}`;
  return `${formatCount(count)} ${target.entity} rows ${scope}`;
}

function parseTarget(options: OptionValues): ClearTarget {
  const org = stringOption(options, "org");
  if ((org === undefined) === (options.all !== true)) {
    throw new UsageError("pass either --org CODE or --all");
  }
  const entityText = stringOption(options, "entity");
  return {
    entity: entityText === undefined ? "pfa" : parseChoice("entity", entityText, entityNames),
    organization: org === undefined ? undefined : parseOrganization("org", org),
  };
}

/** Rejects the deletion while a run of the entity writes rows of the organization. */
async function requireNoActiveRun(db: Queryable, target: ClearTarget): Promise<void> {
  const rows = await db.query<{ id: string; organization: string }>(
    `select id, organization from sync_runs
     where entity = $1 and status in ('queued', 'running') and ($2::text is null or organization = $2)
     order by created_at limit 1`,
    [target.entity, target.organization ?? null],
  );
  if (rows.length > 0) {
    const { id, organization } = rows[0];
    throw new CliError(
      `sync run ${id} of ${target.entity} for organization ${organization} is active: wait ` +
        `until it ends or cancel it (POST /api/pems/sync/${id}/cancel), then try again`,
    );
  }
}

async function countRows(db: Queryable, target: ClearTarget): Promise<number> {
  const [row] = await db.query<{ count: string | number }>(
    `select count(*) as count from ${entities[target.entity].table}
     where $1::text is null or organization = $1`,
    [target.organization ?? null],
  );
  return Number(row.count);
}

async function deleteRows(db: Queryable, target: ClearTarget): Promise<number> {
  const [row] = await db.query<{ count: string | number }>(
    `with deleted as (
       delete from ${entities[target.entity].table}
       where $1::text is null or organization = $1
       returning 1
     )
     select count(*) as count from deleted`,
    [target.organization ?? null],
  );
  return Number(row.count);
}

/** Asks on the terminal; returns false when the user did not type yes. */
async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdinIsTerminal) {
    throw new UsageError("stdin is not a terminal, so nothing can be confirmed: pass --yes");
  }
  const answer = await io.readLine(`${question} Type yes to continue:`);
  return answer?.trim().toLowerCase() === "yes";
}

/** data:clear: deletes synced rows; configurations and sync history stay. */
export const dataClear: Command = {
  name: "data:clear",
  usage: "(--org CODE | --all) [--entity ENTITY] [--yes]",
  description: "Deletes synced rows of one entity (default pfa) for one organization or for " +
    "all. API configurations, sync runs and quarantined rows stay. Asks for confirmation on a " +
    "terminal; without a terminal, --yes is required.",
  options: [
    { name: "org", type: "string", valueName: "CODE", description: "organization, such as RIO" },
    { name: "all", type: "boolean", description: "every organization" },
    {
      name: "entity",
      type: "string",
      valueName: "ENTITY",
      description: `rows to delete: ${entityNames.join(", ")} (default pfa)`,
    },
    { name: "yes", type: "boolean", description: "delete without asking" },
  ],
  async run(options: OptionValues, io: CliIo) {
    const target = parseTarget(options);
    return await withCliDatabase(io.env, async ({ db }) => {
      await requireNoActiveRun(db, target);
      const count = await countRows(db, target);
      if (count === 0) {
        io.stdout(`nothing to delete: ${describe(target, 0)}\n`);
        return 0;
      }
      if (options.yes !== true && !(await confirm(io, `Delete ${describe(target, count)}?`))) {
        io.stderr("data:clear: nothing deleted\n");
        return 1;
      }
      const deleted = await deleteRows(db, target);
      io.stdout(
        `deleted ${describe(target, deleted)}; configurations and sync history are kept.\n` +
          "The next incremental sync reads only rows changed since the last run: start a full " +
          'sync to load them again, such as "deno task sync --config ID --org CODE --mode full".\n',
      );
      return 0;
    });
  },
};

if (import.meta.main) await main(dataClear);
