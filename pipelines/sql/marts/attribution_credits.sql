-- one row per conversion × model × campaign with a credit (grain: household_id, conversion,
-- model, campaign_code): which campaigns brought each household (shared/spec/exports.md,
-- « Attribution »); each conversion hands out exactly 1 credit per model (checked). With the
-- campaign the household's dossier names (household_campaign_code), so that a selection by
-- it filters the credits by a column (a lookup in the households cost 0.2 s a query at ten
-- million touches, even with no campaign chosen).
with households as (
    select * from core.households
),

touches as (
    select * from core.touches where household_id is not null
),

campaigns as (
    select campaign_code from core.campaigns
),

models as (
    select model, model_order from ref.attribution_models
),

conversions as (
    select household_id, 'followed' as conversion, first_contact_date as conversion_date,
        campaign_code as own_campaign_code, first_contact_date, channel,
    from households
    union all
    select household_id, 'installed', installation_date, campaign_code, first_contact_date,
        channel,
    from households
    where is_installed
),

-- a touch counts when dated on or before the conversion and at most the lookback before it
counting as (
    select
        conversions.*,
        touches.touch_id,
        touches.campaign_code as touch_campaign_code,
        conversions.conversion_date - touches.touch_date as days_before,
        row_number() over conversion_touches as position,
        count(*) over (partition by conversions.household_id, conversions.conversion) as n,
    from conversions
    inner join touches on conversions.household_id = touches.household_id
    where touches.touch_date <= conversions.conversion_date
        and conversions.conversion_date - touches.touch_date <= getvariable('lookback_days')
    window conversion_touches as (
        partition by conversions.household_id, conversions.conversion
        order by touches.touched_at, touches.touch_id
    )
),

decayed as (
    select
        *,
        pow(2, -days_before / getvariable('half_life_days')) as decay,
    from counting
),

touch_credits as (
    select
        *,
        decay / sum(decay) over (partition by household_id, conversion) as decay_share,
    from decayed
),

by_model as (
    select
        touch_credits.household_id,
        touch_credits.conversion,
        touch_credits.conversion_date,
        touch_credits.first_contact_date,
        touch_credits.channel,
        touch_credits.own_campaign_code,
        models.model,
        touch_credits.touch_campaign_code as campaign_code,
        case models.model
            when 'first_touch' then case when position = 1 then 1.0 else 0.0 end
            when 'last_touch' then case when position = n then 1.0 else 0.0 end
            when 'linear' then 1.0 / n
            when 'time_decay' then decay_share
            when 'position_based' then case
                when n = 1 then 1.0
                when n = 2 then 0.5
                when position = 1 or position = n then 0.4
                else 0.2 / (n - 2)
            end
        end as credit,
    from touch_credits
    cross join models
),

-- no counting touch: the household's own campaign when known, else `unattributed`
fallback as (
    select
        conversions.household_id,
        conversions.conversion,
        conversions.conversion_date,
        conversions.first_contact_date,
        conversions.channel,
        conversions.own_campaign_code,
        models.model,
        case when campaigns.campaign_code is not null then conversions.own_campaign_code
            else 'unattributed' end as campaign_code,
        1.0 as credit,
    from conversions
    cross join models
    left join campaigns on conversions.own_campaign_code = campaigns.campaign_code
    where not exists (
        select 1 from counting
        where counting.household_id = conversions.household_id
            and counting.conversion = conversions.conversion
    )
),

final as (
    select
        household_id,
        conversion,
        model,
        campaign_code,
        sum(credit)::double as credit,
        any_value(conversion_date) as conversion_date,
        any_value(first_contact_date) as first_contact_date,
        any_value(channel) as channel,
        any_value(own_campaign_code) as household_campaign_code,
        bool_or(from_touch) as is_from_touch,
    from (
        select *, true as from_touch from by_model
        union all by name
        select *, false as from_touch from fallback
    )
    group by household_id, conversion, model, campaign_code
    having sum(credit) > 0
)

select * from final
