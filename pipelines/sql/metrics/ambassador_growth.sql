-- Size of the network at the end of each month (adhesions up to the end of the period,
-- cumulated), by type: every month × type, so that the series stack; the months stop at the
-- data date (a period to 2030 drew a flat network to 2030).
-- grain: one row per month and type · filters: period (end only)
with network as (
    select * from selected_ambassadors($date_to)
),

months as (
    select unnest(generate_series(
        date_trunc('month', min(joined_date)),
        date_trunc('month', least(coalesce($date_to::date, max(joined_date)),
                                  (select data_date from marts.data_date))),
        interval 1 month
    ))::date as month
    from network
),

types as (
    select distinct ambassador_type from network
),

joined as (
    select date_trunc('month', joined_date)::date as month, ambassador_type,
        count(*) as joined,
    from network
    group by all
)

select
    months.month,
    types.ambassador_type,
    coalesce(joined.joined, 0) as joined,
    sum(coalesce(joined.joined, 0)) over (
        partition by types.ambassador_type order by months.month
    )::bigint as ambassadors,
from months
cross join types
left join joined
    on joined.month = months.month and joined.ambassador_type = types.ambassador_type
order by months.month, types.ambassador_type
