-- Warnings of the last build by kind: how many warnings and how many occurrences.
-- grain: one row per kind found · filters: none
select kind, count(*) as warnings, coalesce(sum(n), 0)::bigint as occurrences,
from quality.warnings
group by kind
order by kind
