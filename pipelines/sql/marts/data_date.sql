-- one row: the data date, « today » for every duration the dashboard shows (time in a stage,
-- cohorts old enough to judge): the latest date found in the exports, never after the build
-- date (a mistyped future date must not age every household)
with households as (
    select * from core.households
),

installations as (
    select * from core.installations
),

touches as (
    select * from core.touches
),

ambassadors as (
    select * from core.ambassadors
),

found_dates as (
    select first_contact_date as found_date from households
    union all
    select accompaniment_date from households
    union all
    select immersion_date from households
    union all
    select updated_date from households
    union all
    select installation_date from installations
    union all
    select touch_date from touches
    union all
    select joined_date from ambassadors
),

final as (
    select
        coalesce(max(found_date), current_date) as data_date,
        current_date as build_date,
    from found_dates
    where found_date <= current_date
)

select * from final
