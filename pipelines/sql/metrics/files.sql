-- Every export file read at the last build: fingerprint, date, encoding and row counts, and
-- whether its rows reconcile (is_reconciled, _shared.sql).
-- grain: one row per file · filters: none
select
    files.*,
    left(files.sha256, 12) as sha256_prefix,
    is_reconciled(files.read, files.accepted, files.rejected, files.duplicates)
        as is_reconciled,
from quality.files as files
inner join ref.sources as sources on files.source = sources.source
order by sources.source_order, files.file_order
