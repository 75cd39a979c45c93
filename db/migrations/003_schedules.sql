-- Sync schedules of API configurations, and the index of the sync history (newest first).

-- manual, hourly, daily@HH:MM, weekly@ddd HH:MM or a 5-field cron expression, all in UTC.
alter table api_configurations add column schedule text not null default 'manual';
-- Organizations a scheduled run syncs; null syncs every organization.
alter table api_configurations add column schedule_organizations text[];
-- The scheduled instant that last started runs; the next one after it is due.
alter table api_configurations add column last_scheduled_at timestamptz;

create index sync_runs_by_created on sync_runs (created_at, id);
