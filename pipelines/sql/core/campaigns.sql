-- one row per campaign (accepted code), with its channel code
with accepted as (
    select * from core.campaign_rows where row_status = 'accepted'
),

channels as (
    select * from ref.channel_labels
),

final as (
    select
        accepted.campaign_code,
        coalesce(accepted.label, accepted.campaign_code) as campaign_label,
        coalesce(channels.channel, 'autre') as channel,
        accepted.channel_label,
        accepted.start_date,
        accepted.end_date,
        accepted.budget_eur,
    from accepted
    left join channels on accepted.channel_key = channels.label_key
)

select * from final
