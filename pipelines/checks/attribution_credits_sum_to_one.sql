-- every conversion hands out exactly 1 credit under every model (to the sixth decimal), and
-- every conversion of every household is credited under all five models
with credits as (
    select household_id, conversion, model, sum(credit) as total
    from marts.attribution_credits
    group by all
),

conversions as (
    select household_id, 'followed' as conversion from core.households
    union all
    select household_id, 'installed' from core.households where is_installed
),

expected as (
    select conversions.*, models.model
    from conversions
    cross join ref.attribution_models as models
)

select expected.household_id, expected.conversion, expected.model, credits.total
from expected
left join credits using (household_id, conversion, model)
where credits.total is null or abs(credits.total - 1) > 1e-9
