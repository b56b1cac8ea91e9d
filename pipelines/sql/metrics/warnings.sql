-- Warnings of the last build (what was kept or ignored, never a refused row), of the given
-- kinds (all when NULL).
-- grain: one row per warning · filters: $kinds
select warnings.*,
from quality.warnings as warnings
left join ref.sources as sources on warnings.source = sources.source
where $kinds is null or list_contains($kinds, warnings.kind)
order by warnings.kind, sources.source_order, warnings.file, warnings.line, warnings.n desc,
    warnings.value
