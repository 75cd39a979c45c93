-- Organizations of each user, owning organization of configurations, and the audit log.

create table user_organizations (
  user_id bigint not null references users (id) on delete cascade,
  organization text not null references organizations (code) on delete cascade,
  primary key (user_id, organization)
);

-- A configuration owned by one organization is visible only to that organization's users;
-- null means shared by all organizations.
alter table api_configurations add column organization text references organizations (code)
  on delete set null;

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  user_id bigint references users (id) on delete set null,
  user_email text,
  action text not null,
  target_type text not null,
  target_id text,
  organization text,
  details jsonb not null default '{}'::jsonb
);
create index audit_log_by_time on audit_log (id desc);
