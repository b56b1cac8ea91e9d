-- Installed households of the selection in each commune of the Lot (all of ref.communes, 0
-- included), plus one row (commune_code NULL) for installations in a commune outside it,
-- 0 included.
-- Ordered by count, but places under $small_count by name only (their order would tell).
-- grain: one row per commune · filters: period, channels, campaigns; $small_count
with installed as (
    select installation_lot_commune_code as commune_code, count(*) as households,
    from selected_households($date_from, $date_to, $channels, $campaigns)
    where is_installed
    group by all
),

lot as (
    select
        communes.commune_code,
        communes.commune_name,
        communes.epci_code,
        communes.epci_name,
        epci.epci_short_name,
        coalesce(installed.households, 0) as households,
    from ref.communes as communes
    left join ref.epci as epci on communes.epci_code = epci.epci_code
    left join installed on communes.commune_code = installed.commune_code
),

-- (always, 0 included: listed only when there were some, the page's « masqué » row told
-- whether any household is installed outside the Lot)
elsewhere as (
    select
        null as commune_code,
        'Commune hors référentiel du Lot' as commune_name,
        coalesce((select households from installed where commune_code is null), 0)
            as households,
)

-- (the order the page lists the places it masks in: by name, never by their figure)
select *, row_number() over (order by commune_name collate fr, commune_code)::int as name_order
from (select * from lot union all by name select * from elsewhere)
order by
    case when households >= $small_count then households else 0 end desc,
    households = 0, commune_code is null, commune_name collate fr
