-- One campaign's touches dated in the period, by week and type of interaction: the week's
-- Monday (where its bar stands) and its first and last days within the period (a period from
-- Saturday 1 July: the week of 26 June holds two of its days, and says so)
-- grain: one row per week and interaction type · filters: period (touch date), channels and
-- campaigns (the touches campaign_metrics counts: the card « Interactions » above the chart
-- said 0 under a filter the chart ignored); $campaign
select
    date_trunc('week', touch_date)::date as week,
    greatest(week, coalesce($date_from, week)) as first_day,
    least(week + 6, coalesce($date_to, week + 6)) as last_day,
    coalesce(interaction_type, 'Non précisé') as interaction_type,
    count(*) as touches,
    count(distinct person_key) as persons,
from selected_touches($date_from, $date_to, $channels,
                      case when in_list($campaign, $campaigns) then [$campaign]
                           else []::varchar[] end)
group by all
order by week, interaction_type
