-- Log lines of each sync run (start, pages, retries, shifted pages, failure, cancel, completion),
-- which the run's admin page lists. About one line per page plus events.

create table sync_run_logs (
  id bigint generated always as identity primary key,
  sync_run_id uuid not null references sync_runs (id) on delete cascade,
  time timestamptz not null default now(),
  level text not null check (level in ('debug', 'info', 'warn', 'error')),
  message text not null,
  fields jsonb not null default '{}'::jsonb
);

create index sync_run_logs_by_run on sync_run_logs (sync_run_id, id);
