-- The territory's headline for the selection: installed households (in a commune of the Lot
-- or elsewhere), communes of the Lot with an installation, households followed. (The first
-- intercommunality and origin are the first rows of installed_by_epci and origins.)
-- grain: one row · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

by_commune as (
    select installation_lot_commune_code as commune_code, count(*) as households,
    from households
    where is_installed
    group by all
)

select
    (select count(*) from households) as followed,
    (select count(*) from households where is_installed) as installed,
    coalesce((select sum(households) from by_commune where commune_code is not null), 0)::bigint
        as installed_in_lot,
    coalesce((select sum(households) from by_commune where commune_code is null), 0)::bigint
        as installed_elsewhere,
    (select count(*) from by_commune where commune_code is not null) as communes_installed,
    (select count(*) from ref.communes) as communes,
