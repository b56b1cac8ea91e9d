-- The selection's referred households by type of their ambassador, with their installation
-- rate.
-- grain: one row per ambassador type · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
    where is_referred
),

counts as (
    select
        coalesce(ambassadors.ambassador_type, 'Ambassadeur inconnu') as ambassador_type,
        count(*) as followed,
        count(*) filter (where households.is_installed) as installed,
    from households
    left join core.ambassadors as ambassadors
        on ambassadors.ambassador_id = households.ambassador_id
    group by all
)

select *, rate(installed, followed, 'parrainés') as installed_rate,
from counts
order by followed desc, ambassador_type
