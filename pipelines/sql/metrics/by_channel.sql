-- The funnel of the selection by channel of origin: every channel of ref.channels that the
-- channel filter keeps (`autre` included), even at 0, in the channels' order.
-- grain: one row per channel · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

channels as (
    select * from ref.channels
    where in_list(channel, $channels)
),

counts as (
    select
        channels.channel,
        channels.channel_order,
        count(households.household_id) as followed,
        count(households.household_id) filter (where households.is_accompanied)
            as accompanied,
        count(households.household_id) filter (where households.is_installed) as installed,
    from channels
    left join households on households.channel = channels.channel
    group by channels.channel, channels.channel_order
),

final as (
    select
        channel,
        channel_order,
        followed,
        accompanied,
        installed,
        rate(accompanied, followed, 'suivis') as accompanied_rate,
        rate(installed, followed, 'suivis') as installed_rate,
    from counts
)

select * from final
order by channel_order
