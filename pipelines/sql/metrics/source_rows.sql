-- Rows of each source at the last build (shared/spec/exports.md, `rows`): read = accepted +
-- rejected + duplicates, and merged prospects; every source, even one with no file.
-- grain: one row per source · filters: none (the period never applies)
select *
from quality.sources
order by source_order
