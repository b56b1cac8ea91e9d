-- The programme's objectives for the year of $date_to (pipelines/targets.toml, read at build
-- time), each with the value expected on $date_to: a flow (households followed, installed,
-- people installed) pro rata of the days of the year elapsed; the ambassador network (a stock)
-- from its size on 1 January to its objective, pro rata likewise.
-- grain: one row per objective (measure, channel, campaign) · filters: $date_to (the day the
-- figures are read; the objectives' year is its year)
with calendar as (
    select
        make_date(year($date_to::date), 1, 1) as year_start,
        make_date(year($date_to::date), 12, 31) as year_end,
        $date_to::date as as_of,
),

objectives as (
    select * from ref.targets
    where year = year($date_to::date)
),

network_at_start as (
    select count(*) as ambassadors,
    from calendar
    cross join selected_ambassadors((select year_start - 1 from calendar))
),

final as (
    select
        objectives.year,
        objectives.measure,
        objectives.measure_order,
        objectives.label,
        objectives.kind,
        objectives.channel,
        objectives.campaign_code,
        objectives.target,
        calendar.year_start,
        calendar.year_end,
        calendar.as_of,
        (calendar.as_of - calendar.year_start + 1)
            / (calendar.year_end - calendar.year_start + 1) as elapsed_share,
        case when objectives.kind = 'stock' then network_at_start.ambassadors end
            as start_value,
    from objectives
    cross join calendar
    cross join network_at_start
)

select
    * exclude (start_value),
    case when kind = 'stock'
        then start_value + (target - start_value) * elapsed_share
        else target * elapsed_share
    end as expected,
from final
order by channel nulls first, campaign_code nulls first, measure_order
