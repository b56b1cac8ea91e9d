-- Credits of a set of campaigns ($codes: one operation) under each attribution model, per
-- campaign and for the set (campaign_code NULL), with the selection's part of their budget
-- (selected_budget) and what a household followed and an installation cost (that budget ÷
-- credits), as campaign_metrics defines them.
-- grain: one row per model and campaign, plus one per model for the set · filters: period,
-- channels (cohorts of first contact), campaigns (the households' dossier); $codes
with codes as (
    select distinct unnest($codes::varchar[]) as campaign_code
),

credits as (
    select
        model,
        campaign_code,
        -- (to the sixth decimal, as the metric attribution gives them)
        round(sum(credit) filter (where conversion = 'followed'), 6) as followed,
        round(sum(credit) filter (where conversion = 'installed'), 6) as installed,
    from selected_credits($date_from, $date_to, $channels, $campaigns)
    where list_contains($codes, campaign_code)
    group by all
),

grid as (
    select
        models.model,
        models.model_order,
        models.label,
        codes.campaign_code,
        coalesce(credits.followed, 0) as followed,
        coalesce(credits.installed, 0) as installed,
        -- (the selection's part of the budget: selected_budget)
        selected_budget(campaigns.budget_eur::double, campaigns.campaign_code,
                        coalesce(campaigns.channel, 'autre'), campaigns.start_date,
                        campaigns.end_date, $date_from, $date_to, $channels, $campaigns)
            as budget_eur,
    from ref.attribution_models as models
    cross join codes
    left join credits
        on credits.model = models.model and credits.campaign_code = codes.campaign_code
    left join core.campaigns as campaigns on campaigns.campaign_code = codes.campaign_code
),

sets as (
    select
        model,
        model_order,
        label,
        campaign_code,
        sum(followed) as followed,
        sum(installed) as installed,
        sum(budget_eur) as budget_eur,
    from grid
    group by grouping sets ((model, model_order, label, campaign_code),
        (model, model_order, label))
)

select
    *,
    cost_per(budget_eur, followed) as cost_per_followed_eur,
    cost_per(budget_eur, installed) as cost_per_installed_eur,
from sets
order by model_order, campaign_code nulls last
