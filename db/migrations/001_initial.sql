-- Initial schema. Runs unchanged on PostgreSQL 15+ and on PGlite.

create table organizations (
  id bigint generated always as identity primary key,
  code text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

create table users (
  id bigint generated always as identity primary key,
  email text not null unique,
  password_hash text not null,
  role text not null default 'admin' check (role in ('admin', 'operator', 'viewer')),
  disabled boolean not null default false,
  token_version integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table api_configurations (
  id bigint generated always as identity primary key,
  name text not null unique,
  usage text not null,
  url text not null,
  auth_type text not null check (auth_type in ('none', 'basic', 'apiKey')),
  -- Ciphertexts written by the credentials cipher, never plain text.
  username_encrypted text,
  secret_encrypted text,
  custom_headers jsonb not null default '{}'::jsonb,
  operation_type text not null default 'read' check (operation_type in ('read', 'write', 'read-write')),
  feeds jsonb,
  page_size integer not null default 5000 check (page_size between 1 and 10000),
  time_zone text not null default 'UTC',
  status text not null default 'untested' check (status in ('untested', 'connected', 'error')),
  last_checked_at timestamptz,
  last_error text,
  first_sync_at timestamptz,
  last_sync_at timestamptz,
  last_sync_record_count bigint,
  total_sync_record_count bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table sync_runs (
  id uuid primary key,
  api_configuration_id bigint not null references api_configurations (id) on delete cascade,
  organization text not null,
  entity text not null,
  mode text not null check (mode in ('full', 'incremental')),
  status text not null check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  started_by bigint references users (id) on delete set null,
  -- Checkpoint: the EAM cursor position of the next row to read and the pages finished so far.
  cursor_position integer not null default 1,
  pages_done integer not null default 0,
  total_records integer,
  processed_records integer not null default 0,
  inserted_records integer not null default 0,
  updated_records integer not null default 0,
  unchanged_records integer not null default 0,
  error_records integer not null default 0,
  batch_size integer not null,
  page_size integer not null,
  notice text,
  error text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz,
  updated_at timestamptz not null default now()
);

-- At most one active run per configuration and organization; the 409 of POST /api/pems/sync.
create unique index sync_runs_one_active on sync_runs (api_configuration_id, organization)
  where status in ('queued', 'running');
create index sync_runs_by_configuration on sync_runs (api_configuration_id, created_at desc);

create table quarantined_rows (
  id bigint generated always as identity primary key,
  sync_run_id uuid not null references sync_runs (id) on delete cascade,
  organization text not null,
  entity text not null,
  row_position integer not null,
  record_key text,
  field text,
  reason text not null,
  raw jsonb not null,
  created_at timestamptz not null default now(),
  unique (sync_run_id, row_position)
);

create table pfa_records (
  organization text not null,
  pfa_id text not null,
  description text,
  area_silo text,
  category text,
  forecast_category text,
  class text,
  category_description text,
  source text,
  dor text,
  is_actualized boolean,
  is_discontinued boolean,
  is_funds_transferable boolean,
  monthly_rate numeric(14, 2),
  rate_uom text,
  purchase_price numeric(14, 2),
  manufacturer text,
  model text,
  original_start timestamptz,
  original_end timestamptz,
  forecast_start timestamptz,
  forecast_end timestamptz,
  contract text,
  equipment text,
  last_modified timestamptz,
  last_modified_by text,
  raw jsonb not null,
  first_seen_sync_id uuid not null,
  last_seen_sync_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (organization, pfa_id)
);

create table asset_master (
  organization text not null,
  asset_tag text not null,
  description text,
  alias text,
  equipment_status text,
  department text,
  class text,
  category text,
  manufacturer text,
  model text,
  serial_number text,
  year integer,
  commission_date timestamptz,
  on_site_date timestamptz,
  assigned_to text,
  owner text,
  source text,
  last_modified timestamptz,
  raw jsonb not null,
  first_seen_sync_id uuid not null,
  last_seen_sync_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (organization, asset_tag)
);

create table classifications (
  organization text not null,
  category_id text not null,
  category_name text,
  class_id text,
  class_name text,
  icon_url text,
  last_modified timestamptz,
  raw jsonb not null,
  first_seen_sync_id uuid not null,
  last_seen_sync_id uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (organization, category_id)
);
