-- The programme's objectives for the year of $date_to (pipelines/targets.toml, read at build
-- time), each with the value expected on $date_to: a flow (households followed, installed,
-- people installed) pro rata of the days of the year elapsed (a campaign's, of its days in the
-- year); the ambassador network (a stock)
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

-- a campaign's objective is expected over the campaign's days in the year, not the year's: a
-- summer campaign read on its last day, 7 short of its objective, was « dans les temps » at
-- 304/365 of it
windows as (
    select
        objectives.*,
        greatest(calendar.year_start, coalesce(campaigns.start_date, calendar.year_start))
            as window_start,
        least(calendar.year_end,
              greatest(coalesce(campaigns.end_date, calendar.year_end),
                       coalesce(campaigns.start_date, calendar.year_start))) as window_end,
    from objectives
    cross join calendar
    left join core.campaigns as campaigns
        on objectives.campaign_code = campaigns.campaign_code
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
        greatest(0, least(1, (calendar.as_of - objectives.window_start + 1)
            / greatest(objectives.window_end - objectives.window_start + 1, 1)))
            as elapsed_share,
        -- (an objective is missed only once its year is over: households that name a
        -- campaign keep coming after it ends, the summer one's from 53 on 31 October to 70)
        calendar.as_of >= calendar.year_end as year_over,
        case when objectives.kind = 'stock' then network_at_start.ambassadors end
            as start_value,
    from windows as objectives
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
