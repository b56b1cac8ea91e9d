-- the grain of every core table holds: no key appears twice
select 'core.households' as model, household_id as key, count(*) as n
from core.households group by all having count(*) > 1
union all
select 'core.prospects', prospect_id, count(*) from core.prospects group by all having count(*) > 1
union all
select 'core.installations', installation_id, count(*)
from core.installations group by all having count(*) > 1
union all
-- (millions of touches: IDs whose 64-bit hash repeats first, then those IDs exactly)
select 'core.touches', touch_id, count(*) from core.touches
where hash(touch_id) in (
    select hash(touch_id) from core.touches group by all having count(*) > 1)
group by all having count(*) > 1
union all
select 'core.campaigns', campaign_code, count(*)
from core.campaigns group by all having count(*) > 1
union all
select 'core.ambassadors', ambassador_id, count(*)
from core.ambassadors group by all having count(*) > 1
union all
select 'marts.households', household_id, count(*)
from marts.households group by all having count(*) > 1
union all
select 'marts.household_stages', household_id, count(*)
from marts.household_stages group by all having count(*) > 1
