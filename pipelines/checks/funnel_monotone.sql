-- the funnel never widens: installed ⊆ accompanied ⊆ followed, and dates follow the funnel's
-- logic only where the contract defines it (an installation makes a household accompanied)
select household_id, is_accompanied, is_installed
from core.households
where (is_installed and not is_accompanied)
    or (is_installed and installation_date is null)
    or (not is_installed and installation_date is not null)
