-- Raw rows as json instead of jsonb. Postgres stores json as the text it was given, so an upsert
-- only checks the syntax, where jsonb parsed every row into its binary form; in the benchmark
-- that parse was the largest single cost of a write. The rows keep EAM's column order, and the
-- upsert compares them as text before it compares them as jsonb.

alter table pfa_records alter column raw type json using raw::json;
alter table asset_master alter column raw type json using raw::json;
alter table classifications alter column raw type json using raw::json;
