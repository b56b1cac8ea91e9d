-- The programme's first and last first-contact dates (the range a period is chosen in).
-- grain: one row · filters: none
select min(first_contact_date) as first_date, max(first_contact_date) as last_date,
from marts.households
