-- Channel labels of the exports missing from channels.toml (counted as `autre`), the sources
-- they come from and how often they occur.
-- grain: one row per label · filters: none
select value as label, list(distinct source order by source) as sources,
    sum(n)::bigint as occurrences,
from quality.warnings
where kind = 'canal_inconnu'
group by value
order by occurrences desc, label
