-- The selection's households from one campaign: those whose file names it ($own) or those
-- the $model credits to it; their stage, dates, credits and the share of the campaign's
-- budget each accounts for under the model (budget × its followed credit ÷ the selection's).
-- grain: one row per household · filters: period, channels, campaigns; $campaign, $model, $own
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

credits as (
    select
        household_id,
        coalesce(sum(credit) filter (where conversion = 'followed'), 0) as followed_credit,
        coalesce(sum(credit) filter (where conversion = 'installed'), 0) as installed_credit,
    from marts.attribution_credits
    where campaign_code = $campaign and model = $model
    group by household_id
),

totals as (
    select sum(credits.followed_credit) as followed_total,
    from credits
    inner join households using (household_id)
),

-- (the selection's part of the budget: selected_budget)
budget as (
    select selected_budget(budget_eur::double, campaign_code, coalesce(channel, 'autre'),
                           start_date, end_date, $date_from, $date_to, $channels, $campaigns)
               as budget_eur
    from core.campaigns
    where campaign_code = $campaign
)

select
    households.household_id,
    households.stage,
    households.channel,
    households.first_contact_date,
    households.installation_date,
    households.installation_commune_name,
    coalesce(credits.followed_credit, 0) as followed_credit,
    coalesce(credits.installed_credit, 0) as installed_credit,
    -- (its credit times the cost per household followed, as the cards give it: none where
    -- that cost is none, « 490 € » stood beside « 0,0 » and a card without a cost)
    credits.followed_credit * cost_per(budget.budget_eur, totals.followed_total)
        as cost_share_eur,
from households
left join credits using (household_id)
cross join totals
left join budget on true
where case when $own then households.campaign_code = $campaign
    else credits.household_id is not null end
order by households.first_contact_date, households.household_id
