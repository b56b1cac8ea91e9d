-- Every export file read at the last build: fingerprint, date, encoding and row counts.
-- grain: one row per file · filters: none
select
    files.*,
    left(files.sha256, 12) as sha256_prefix,
from quality.files as files
inner join ref.sources as sources on files.source = sources.source
order by sources.source_order, files.file_order
