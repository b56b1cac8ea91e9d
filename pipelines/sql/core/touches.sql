-- one row per accepted touch, with its person: the household named by « ID prospect » if
-- known, else the household with that email, else the email itself; neither: anonymous
with accepted as (
    select * from core.touch_rows where row_status = 'accepted'
),

prospects as (
    select prospect_id, household_id, email_hash from core.prospects
),

email_households as (
    select email_hash, any_value(household_id) as household_id
    from prospects
    where email_hash is not null
    group by email_hash
),

campaigns as (
    select campaign_code, channel from core.campaigns
),

channels as (
    select * from ref.channel_labels
),

resolved as (
    select
        accepted.*,
        coalesce(by_id.household_id, by_email.household_id) as household_id,
        by_id.prospect_id is not null as is_known_prospect_id,
    from accepted
    left join prospects as by_id on accepted.prospect_id = by_id.prospect_id
    left join email_households as by_email on accepted.email_hash = by_email.email_hash
),

final as (
    select
        resolved.touch_id,
        resolved.touched_at,
        resolved.touch_date,
        resolved.campaign_code,
        -- an empty channel is the campaign's; an unknown label is `autre` (reported)
        case
            when resolved.channel_label is null then coalesce(campaigns.channel, 'autre')
            else coalesce(channels.channel, 'autre')
        end as channel,
        resolved.interaction_type,
        resolved.household_id,
        case when resolved.household_id is null then resolved.email_hash end as email_hash,
        case
            when resolved.household_id is not null then 'H:' || resolved.household_id
            when resolved.email_hash is not null then 'E:' || resolved.email_hash
        end as person_key,
        resolved.prospect_id,
        resolved.is_known_prospect_id,
        resolved.file,
        resolved.line,
    from resolved
    left join campaigns on resolved.campaign_code = campaigns.campaign_code
    left join channels on resolved.channel_key = channels.label_key
)

select * from final
