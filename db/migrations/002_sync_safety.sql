-- Checkpoint, cancel, incremental and schema-drift state of sync runs and configurations.

alter table sync_runs add column last_key text;
alter table sync_runs add column paging text not null default 'cursor'
  check (paging in ('cursor', 'key'));
alter table sync_runs add column cancel_requested_at timestamptz;
alter table sync_runs add column deleted_records integer not null default 0;
alter table sync_runs add column watermark timestamptz;
alter table sync_runs add column max_last_modified timestamptz;
alter table sync_runs add column error_samples jsonb not null default '[]'::jsonb;
alter table sync_runs add column grid_fields jsonb;

-- FIELDS of each entity's grid at the configuration's last successful run, keyed by entity.
alter table api_configurations add column grid_fields jsonb not null default '{}'::jsonb;
alter table api_configurations add column allow_schema_drift boolean not null default false;
alter table api_configurations add column incremental_overlap_seconds integer not null default 300
  check (incremental_overlap_seconds >= 0);

create index sync_runs_last_completed on sync_runs (api_configuration_id, organization, entity, completed_at desc)
  where status = 'completed';
