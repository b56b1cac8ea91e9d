-- Whether the selection's cohorts have all had 12 months to install at the data date: a rate
-- compared before then still climbs. `complete_until`: the last first-contact date whose
-- households have had the full 12 months.
-- grain: one row · filters: period
with data_date as (
    select data_date from marts.data_date
),

last_day as (
    select coalesce($date_to::date, max(first_contact_date)) as last_day
    from marts.households
    where in_period(first_contact_date, $date_from, $date_to)
)

select
    data_date.data_date,
    cohort_months() as horizon_months,
    (data_date.data_date - to_months(cohort_months()))::date as complete_until,
    last_day.last_day,
    coalesce(cohort_is_complete(last_day.last_day, data_date.data_date), true) as is_complete,
from data_date
cross join last_day
