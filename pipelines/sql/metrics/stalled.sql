-- The selection's accompanied households without news for more than $after_days days (rule:
-- is_stalled), longest silence first.
-- grain: one row per stalled household · filters: period, channels, campaigns; $after_days
select
    households.household_id,
    households.channel,
    households.campaign_code,
    households.campaign_label,
    households.status,
    households.first_contact_date,
    households.accompaniment_date,
    households.updated_date,
    household_stages.days_in_stage,
    household_stages.days_without_activity,
from selected_households($date_from, $date_to, $channels, $campaigns) as households
inner join marts.household_stages as household_stages
    on household_stages.household_id = households.household_id
where is_stalled(household_stages.stage, household_stages.days_without_activity, $after_days)
order by household_stages.days_without_activity desc, households.household_id
