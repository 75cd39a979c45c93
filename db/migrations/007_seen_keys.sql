-- Keys that a full sync run has read, so that its last batch can mark the rows it did not read as
-- deleted. Unchanged rows are then not written at all: before, every row was updated only to
-- stamp it with the run's id. The rows of a run are deleted when the run ends.
-- No foreign key and no index: both would cost more per inserted key than they save, because
-- the table is only read once per run, by the anti-join that marks deleted rows.

create table sync_run_seen_keys (
  sync_run_id uuid not null,
  record_key text not null
);

-- The body stays on one line: the migration runner splits scripts at semicolons that end a line.
create function forget_seen_keys() returns trigger language plpgsql as $$
  begin delete from sync_run_seen_keys where sync_run_id = old.id; return null; end
$$;

create trigger sync_runs_forget_seen_keys after update of status on sync_runs
  for each row when (new.status in ('completed', 'failed', 'cancelled'))
  execute function forget_seen_keys();

create trigger sync_runs_forget_seen_keys_on_delete after delete on sync_runs
  for each row execute function forget_seen_keys();

-- The column now names the run that last inserted or changed the row.
alter table pfa_records rename column last_seen_sync_id to last_changed_sync_id;
alter table asset_master rename column last_seen_sync_id to last_changed_sync_id;
alter table classifications rename column last_seen_sync_id to last_changed_sync_id;
