-- The programme's first and last first-contact dates (the range a period is chosen in), and
-- the years that hold a first contact (the sidebar's presets, and the build's answers for each:
-- every year between a first contact typed 31/12/9999 and the others made 8 000 presets, and a
-- build of 118 s that ran out of memory).
-- grain: one row · filters: none
select min(first_contact_date) as first_date, max(first_contact_date) as last_date,
    list(distinct year(first_contact_date) order by year(first_contact_date))
        filter (where first_contact_date is not null) as years,
from marts.households
