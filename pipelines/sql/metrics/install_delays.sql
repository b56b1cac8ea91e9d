-- Days from first contact to installation of each installed household of the selection, with
-- its channel (no identifier), in the channels' order.
-- grain: one row per installed household · filters: period, channels, campaigns
select households.channel, households.days_to_install,
from selected_households($date_from, $date_to, $channels, $campaigns) as households
inner join ref.channels as channels on channels.channel = households.channel
where households.is_installed
order by channels.channel_order, households.days_to_install
