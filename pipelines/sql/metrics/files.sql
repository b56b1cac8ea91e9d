-- Every export file read at the last build: fingerprint, date, encoding and row counts, and
-- whether its rows reconcile (shared/spec/exports.md, `rows`: every row read is accepted,
-- rejected or a duplicate; checks/reconciliation.sql refuses to publish otherwise, so a
-- published file reads true unless the database was altered after its build).
-- grain: one row per file · filters: none
select
    files.*,
    left(files.sha256, 12) as sha256_prefix,
    coalesce(files.read = files.accepted + files.rejected + files.duplicates, false)
        as is_reconciled,
from quality.files as files
inner join ref.sources as sources on files.source = sources.source
order by sources.source_order, files.file_order
