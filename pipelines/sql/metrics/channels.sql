-- The channels of pipelines/channels.toml in their order, with their French label and colour.
-- grain: one row per channel · filters: none
select channel, channel_order, label, colour, from ref.channels order by channel_order
