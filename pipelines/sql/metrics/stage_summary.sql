-- The selection's households by current stage (ref.stages), with the median and longest time
-- spent in it (days since the stage's date, as of the data date).
-- grain: one row per stage · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
)

select
    stages.stage,
    count(household_stages.household_id) as households,
    median(household_stages.days_in_stage) as median_days,
    max(household_stages.days_in_stage) as max_days,
from ref.stages as stages
left join households on households.stage = stages.stage
left join marts.household_stages as household_stages
    on household_stages.household_id = households.household_id
group by stages.stage_order, stages.stage
order by stages.stage_order
