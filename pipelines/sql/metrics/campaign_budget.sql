-- Total budget of the campaigns of the export (never `unattributed`), in euros.
-- grain: one row · filters: none
select coalesce(sum(budget_eur), 0)::double as budget_eur, count(*) as campaigns,
from core.campaigns
