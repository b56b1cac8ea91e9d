-- The selection's conversions that no touch explains (credited by the fallback: the
-- household's own campaign or `unattributed`), for each conversion, with their share.
-- grain: one row · filters: period, channels, campaigns
with households as (
    select household_id
    from selected_households($date_from, $date_to, $channels, $campaigns)
),

-- one row per conversion (every model credits each conversion: one model is enough)
conversions as (
    select credits.conversion, bool_or(credits.is_from_touch) as is_explained
    from marts.attribution_credits as credits
    inner join households using (household_id)
    where credits.model = (select model from ref.attribution_models order by model_order limit 1)
    group by credits.household_id, credits.conversion
),

counts as (
    select
        count(*) filter (where conversion = 'followed') as followed,
        count(*) filter (where conversion = 'followed' and not is_explained)
            as followed_unexplained,
        count(*) filter (where conversion = 'installed') as installed,
        count(*) filter (where conversion = 'installed' and not is_explained)
            as installed_unexplained,
    from conversions
)

select
    *,
    rate(followed_unexplained, followed, 'foyers suivis') as followed_unexplained_rate,
    rate(installed_unexplained, installed, 'installations') as installed_unexplained_rate,
from counts
