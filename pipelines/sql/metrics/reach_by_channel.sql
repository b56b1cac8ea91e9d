-- Campaign reach in the period by the touch's channel (its own, else its campaign's; an
-- unknown label is `autre`): every channel the filter keeps, even at 0.
-- grain: one row per channel · filters: period (touch date), channels, campaigns
with touches as (
    select * from selected_touches($date_from, $date_to, $channels, $campaigns)
)

select
    channels.channel,
    count(distinct touches.person_key) as contacts,
    count(touches.touch_id) as interactions,
from ref.channels as channels
left join touches on touches.channel = channels.channel
where in_list(channels.channel, $channels)
group by channels.channel, channels.channel_order
order by channels.channel_order
