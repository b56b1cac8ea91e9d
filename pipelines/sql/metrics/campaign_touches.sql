-- One campaign's touches dated in the period, by week and type of interaction.
-- grain: one row per week and interaction type · filters: period (touch date); $campaign
select
    date_trunc('week', touch_date)::date as week,
    coalesce(interaction_type, 'Non précisé') as interaction_type,
    count(*) as touches,
    count(distinct person_key) as persons,
from selected_touches($date_from, $date_to, null, [$campaign])
group by all
order by week, interaction_type
