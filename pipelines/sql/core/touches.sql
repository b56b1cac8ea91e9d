-- one row per accepted touch, with its person: the household named by « ID prospect » if
-- known, else the household with that email, else the email itself; neither: anonymous.
-- The person is a number, not a text: the pages count distinct persons over millions of
-- touches, and a number costs a fraction of a 24-character hash there and in the published
-- file (issue 12). A household is minus its rank among the households' IDs (valid within one
-- build); an email is its keyed hash read as a number (the same 96 bits: two emails are one
-- person exactly when their hashes are equal, as before), so no touch is joined for it.
-- The published database keeps what its readers ask (metrics, campaign_metrics): the build's
-- own readers (attribution, warnings, checks) use the rest; the ID, time, file and line of
-- ten million touches were half the file and 2.7 s of each build (issue 12).
-- published columns: touch_date, channel, campaign_code, interaction_type, household_id, person_key
with accepted as (
    select * from core.touch_rows where row_status = 'accepted'
),

household_numbers as (
    select household_id, -row_number() over (order by household_id) as person_key
    from (select distinct household_id from core.prospects where household_id is not null)
),

prospects as (
    select prospects.prospect_id, prospects.household_id, prospects.email_hash,
        household_numbers.person_key,
    from core.prospects as prospects
    left join household_numbers on prospects.household_id = household_numbers.household_id
),

-- (the household and its number from one prospect: they go together)
email_households as (
    select
        email_hash,
        any_value({'household_id': household_id, 'person_key': person_key}) as household,
    from prospects
    where email_hash is not null
    group by email_hash
),

campaigns as (
    select campaign_code, channel from core.campaigns
),

-- each distinct label's channel, its key computed once per label, not on ten million rows
-- (the labels of every staged row: a second reader of `accepted` would make DuckDB copy it)
label_channels as (
    select labels.channel_label, channels.channel,
    from (select distinct channel_label from staging.touches where channel_label is not null)
        as labels
    left join ref.channel_labels as channels on norm_label(labels.channel_label) = channels.label_key
),

resolved as (
    select
        accepted.*,
        coalesce(by_id.household_id, by_email.household.household_id) as household_id,
        case
            when by_id.household_id is not null then by_id.person_key
            when by_email.household.household_id is not null
                then by_email.household.person_key
            when accepted.email_hash is not null
                then ('0x' || accepted.email_hash)::hugeint
        end as person_key,
        by_id.prospect_id is not null as is_known_prospect_id,
    from accepted
    left join prospects as by_id on accepted.prospect_id = by_id.prospect_id
    left join email_households as by_email on accepted.email_hash = by_email.email_hash
),

final as (
    select
        resolved.touch_id,
        resolved.touched_at,
        cast(resolved.touched_at as date) as touch_date,
        resolved.campaign_code,
        -- an empty channel is the campaign's; an unknown label is `autre` (reported)
        case
            when resolved.channel_label is null then coalesce(campaigns.channel, 'autre')
            else coalesce(label_channels.channel, 'autre')
        end as channel,
        resolved.interaction_type,
        resolved.household_id,
        resolved.person_key,
        resolved.prospect_id,
        resolved.is_known_prospect_id,
        resolved.file_order,
        resolved.line,
    from resolved
    left join campaigns on resolved.campaign_code = campaigns.campaign_code
    left join label_channels on resolved.channel_label = label_channels.channel_label
)

select * from final
