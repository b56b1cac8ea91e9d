-- Rows of each source at the last build (shared/spec/exports.md, `rows`): read = accepted +
-- rejected + duplicates, and merged prospects; every source, even one with no file.
-- is_reconciled (_shared.sql): the same rule as metric `files`, on the source's sums.
-- grain: one row per source · filters: none (the period never applies)
select
    sources.*,
    is_reconciled(sources.read, sources.accepted, sources.rejected, sources.duplicates)
        as is_reconciled,
from quality.sources as sources
order by sources.source_order
