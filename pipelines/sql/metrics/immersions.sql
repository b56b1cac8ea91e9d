-- The selection's households with an immersion stay (« Date séjour immersion »): how many,
-- their share of the households followed, how many of them installed, and the median days
-- from first contact to the stay.
-- grain: one row · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

counts as (
    select
        count(*) as followed,
        count(*) filter (where immersion_date is not null) as immersed,
        count(*) filter (where immersion_date is not null and is_installed)
            as immersed_installed,
        median(immersion_date - first_contact_date) as median_days_to_immersion,
    from households
)

select
    *,
    rate(immersed, followed, 'suivis') as immersed_rate,
    rate(immersed_installed, immersed, 'foyers en immersion') as immersed_installed_rate,
from counts
