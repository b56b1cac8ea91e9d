-- Campaign reach in the period by the touch's channel (its own, else its campaign's; an
-- unknown label is `autre`): every channel the filter keeps, even at 0.
-- grain: one row per channel · filters: period (touch date), channels, campaigns
-- (counted per channel first, then put on the channels' list: joining ten million touches to
-- the list before counting cost twice as much)
with reach as (
    select
        channel,
        count(distinct person_key) as contacts,
        count(*) as interactions,
    from selected_touches($date_from, $date_to, $channels, $campaigns)
    group by channel
)

select
    channels.channel,
    coalesce(reach.contacts, 0) as contacts,
    coalesce(reach.interactions, 0) as interactions,
from ref.channels as channels
left join reach on reach.channel = channels.channel
where in_list(channels.channel, $channels)
order by channels.channel_order
