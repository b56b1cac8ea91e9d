-- Credits of the selection's households (both conversions) per attribution model and
-- campaign, to the sixth decimal (shared/spec/exports.md, « Attribution »); every model of
-- ref.attribution_models appears, with a NULL campaign if it credits none.
-- grain: one row per model and campaign · filters: period, channels, campaigns (the households' dossier)
with credits as (
    select * from selected_credits($date_from, $date_to, $channels, $campaigns)
)

select
    models.model,
    credits.campaign_code,
    round(coalesce(sum(credits.credit) filter (where credits.conversion = 'followed'), 0), 6)
        as followed,
    round(coalesce(sum(credits.credit) filter (where credits.conversion = 'installed'), 0), 6)
        as installed,
from ref.attribution_models as models
left join credits on credits.model = models.model
group by models.model_order, models.model, credits.campaign_code
order by models.model_order, credits.campaign_code
