-- The ambassador network at the end of the period: ambassadors who joined on or before it and
-- the active ones (shared/spec/exports.md), adhesions dated in the period, the first adhesion.
-- grain: one row · filters: period (adhesion date; never channels or campaigns)
with network as (
    select * from selected_ambassadors($date_to)
)

select
    count(*) as ambassadors,
    count(*) filter (where is_active) as ambassadors_active,
    rate(count(*) filter (where is_active), count(*), 'ambassadeurs') as active_rate,
    count(*) filter (where in_period(joined_date, $date_from, $date_to)) as joined,
    (select min(joined_date) from core.ambassadors) as first_joined_date,
from network
