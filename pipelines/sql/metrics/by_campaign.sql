-- The funnel of the selection by the campaign its households' files name (NULL: none), for
-- one channel if $channel is given, most households first.
-- grain: one row per campaign code · filters: period, channels, campaigns; $channel
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
    where $channel is null or channel = $channel
),

counts as (
    select
        campaign_code,
        any_value(campaign_label) as campaign_label,
        count(*) as followed,
        count(*) filter (where is_accompanied) as accompanied,
        count(*) filter (where is_installed) as installed,
    from households
    group by campaign_code
),

final as (
    select
        *,
        rate(accompanied, followed, 'suivis') as accompanied_rate,
        rate(installed, followed, 'suivis') as installed_rate,
    from counts
)

select * from final
order by followed desc, campaign_code nulls last
