-- Median, quartiles and range of the days from first contact to installation, by channel
-- (every channel the filter keeps), then the whole selection (channel NULL). The page's box
-- plot draws these, not quartiles of its own.
-- grain: one row per channel, plus one for the whole · filters: period, channels, campaigns
with installed as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
    where is_installed
),

by_channel as (
    select
        channels.channel,
        channels.channel_order,
        count(installed.household_id) as installed,
        quantile_cont(installed.days_to_install, 0.25) as q1_days,
        median(installed.days_to_install) as median_days,
        quantile_cont(installed.days_to_install, 0.75) as q3_days,
        min(installed.days_to_install) as min_days,
        max(installed.days_to_install) as max_days,
    from ref.channels as channels
    left join installed on installed.channel = channels.channel
    where in_list(channels.channel, $channels)
    group by channels.channel, channels.channel_order
),

overall as (
    select
        null as channel,
        1e9 as channel_order,
        count(*) as installed,
        quantile_cont(days_to_install, 0.25) as q1_days,
        median(days_to_install) as median_days,
        quantile_cont(days_to_install, 0.75) as q3_days,
        min(days_to_install) as min_days,
        max(days_to_install) as max_days,
    from installed
)

select * exclude (channel_order) from (
    select * from by_channel
    union all
    select * from overall
)
order by channel_order
