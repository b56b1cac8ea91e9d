-- How many of the selection's households are in accompaniment now, how many of them are
-- without news for more than $after_days days (rule: is_stalled), and how many of those the
-- CRM marks « Abandon ».
-- grain: one row · filters: period, channels, campaigns; $after_days
with staged as (
    select households.status, household_stages.stage, household_stages.days_without_activity,
    from selected_households($date_from, $date_to, $channels, $campaigns) as households
    inner join marts.household_stages as household_stages
        on household_stages.household_id = households.household_id
    where household_stages.stage = 'accompagné'
)

select
    count(*) as accompanied,
    count(*) filter (where is_stalled(stage, days_without_activity, $after_days)) as stalled,
    count(*) filter (where is_stalled(stage, days_without_activity, $after_days)
        and status = 'Abandon') as stalled_abandoned,
    rate(count(*) filter (where is_stalled(stage, days_without_activity, $after_days)),
         count(*), 'en accompagnement') as stalled_rate,
from staged
