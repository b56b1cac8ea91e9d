-- The selection's households by current stage and class of time spent in it (every pair, 0
-- included); classes a committee reads at a glance, [from, to) days.
-- grain: one row per stage and duration class · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

classes as (
    select * from (values
        (1, 'moins de 3 mois', 0, 91),
        (2, '3 à 6 mois', 91, 183),
        (3, '6 mois à 1 an', 183, 365),
        (4, '1 à 2 ans', 365, 730),
        (5, 'plus de 2 ans', 730, null)
    ) as classes(class_order, duration_class, from_days, to_days)
),

staged as (
    select household_stages.stage, household_stages.days_in_stage
    from households
    inner join marts.household_stages as household_stages
        on household_stages.household_id = households.household_id
)

select
    stages.stage,
    classes.duration_class,
    count(staged.stage) as households,
from ref.stages as stages
cross join classes
left join staged
    on staged.stage = stages.stage
    and staged.days_in_stage >= classes.from_days
    and (classes.to_days is null or staged.days_in_stage < classes.to_days)
group by stages.stage_order, stages.stage, classes.class_order, classes.duration_class
order by stages.stage_order, classes.class_order
