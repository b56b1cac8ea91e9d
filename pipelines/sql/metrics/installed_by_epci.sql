-- Installed households of the selection in each intercommunality (EPCI) of the Lot, its Lot
-- part only, with its number of Lot communes and of communes with an installation. Ordered
-- by count, places under $small_count by name only.
-- grain: one row per EPCI · filters: period, channels, campaigns; $small_count
with installed as (
    select installation_lot_commune_code as commune_code, count(*) as households,
    from selected_households($date_from, $date_to, $channels, $campaigns)
    where is_installed and installation_lot_commune_code is not null
    group by all
),

by_epci as (
    select
        communes.epci_code,
        count(*) as communes,
        count(installed.commune_code) as communes_installed,
        coalesce(sum(installed.households), 0)::bigint as households,
    from ref.communes as communes
    left join installed on communes.commune_code = installed.commune_code
    group by communes.epci_code
)

select
    epci.epci_code,
    epci.epci_name,
    epci.epci_short_name,
    by_epci.communes,
    by_epci.communes_installed,
    by_epci.households,
    -- (the order the page lists the places it masks in: by name, never by their figure)
    row_number() over (order by epci.epci_short_name collate fr)::int as name_order,
from by_epci
inner join ref.epci as epci on by_epci.epci_code = epci.epci_code
order by
    case when households >= $small_count then households else 0 end desc,
    households = 0, epci.epci_short_name collate fr
