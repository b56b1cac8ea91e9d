-- one row per accepted touch, with its person: the household named by « ID prospect » if
-- known, else the household with that email, else the email itself; neither: anonymous.
-- The person is a number (households first, by ID, then emails, by hash), not a text: the
-- pages count distinct persons over millions of touches, and a number costs a fraction of a
-- 24-character hash there and in the published file (issue 12). It holds within one build.
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

-- the persons' numbers: every household a prospect names, then every email of a touch
household_numbers as (
    select household_id, row_number() over (order by household_id) as person_key
    from (select distinct household_id from prospects where household_id is not null)
),

email_numbers as (
    select
        email_hash,
        (select count(*) from household_numbers) + row_number() over (order by email_hash)
            as person_key,
    -- (from the staged rows: the accepted ones are a view, and a number left unused is harmless)
    from (select distinct email_hash from staging.touches where email_hash is not null)
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
        coalesce(household_numbers.person_key, email_numbers.person_key) as person_key,
        resolved.prospect_id,
        resolved.is_known_prospect_id,
        resolved.file,
        resolved.line,
    from resolved
    left join campaigns on resolved.campaign_code = campaigns.campaign_code
    left join channels on resolved.channel_key = channels.label_key
    left join household_numbers on resolved.household_id = household_numbers.household_id
    left join email_numbers
        on case when resolved.household_id is null then resolved.email_hash end
            = email_numbers.email_hash
)

select * from final
