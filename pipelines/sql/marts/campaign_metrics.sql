-- one row per campaign, plus `unattributed` (grain: campaign_code): reach, households credited
-- under each attribution model, the spread between models and what each costs (the
-- selection's part of the budget ÷ credits: selected_budget).
-- Parameters ($date_from, $date_to, $channels, $campaigns): NULL in the build (whole
-- programme); the dashboard runs this same query for its filters (cohorts for credits, touch
-- dates for reach). A campaign filter, like a channel filter, keeps the touches of those
-- campaigns, the households whose dossier names one of them (their credits, whichever
-- campaign they go to) and those campaigns' budgets: the page showed the whole programme's
-- table under a subtitle naming the campaign.
with campaigns as (
    select * from core.campaigns
),

touches as (
    select * from core.touches
    where in_period(touch_date, $date_from, $date_to) and in_list(channel, $channels)
      and in_list(campaign_code, $campaigns)
),

households as (
    select household_id, first_contact_date, installation_date from core.households
    where in_period(first_contact_date, $date_from, $date_to) and in_list(channel, $channels)
      and names_campaign(campaign_code, $campaigns)
),

credits as (
    select * from marts.attribution_credits
    where in_period(first_contact_date, $date_from, $date_to) and in_list(channel, $channels)
      and names_campaign(household_campaign_code, $campaigns)
),

all_touches as (
    select * from core.touches
),

-- reach counted in two steps: each (campaign, person) once, then those per campaign (a
-- count(distinct) per campaign cost 2.8 s instead of 1.7 s over ten million touches)
touch_counts as (
    select
        campaign_code,
        count(*) as touches,
        count(*) filter (where person_key is null) as anonymous_interactions,
    from touches
    group by campaign_code
),

campaign_persons as (
    select
        campaign_code,
        person_key,
        -- (a household is one person number: counting numbers, not household IDs as text)
        bool_or(household_id is not null) as became_household,
    from touches
    where person_key is not null
    group by campaign_code, person_key
),

person_counts as (
    select
        campaign_code,
        count(*) as persons,
        count(*) filter (where became_household) as persons_became_households,
    from campaign_persons
    group by campaign_code
),

-- (a campaign of anonymous touches only has no persons' row: 0, in `final`)
reach as (
    select touch_counts.*, person_counts.persons, person_counts.persons_became_households,
    from touch_counts
    left join person_counts on touch_counts.campaign_code = person_counts.campaign_code
),

-- (to the sixth decimal, as the metric attribution and `kpis --json` give them: 5,749…
-- showed « 5,7 » on the page where the command printed 5.75)
model_credits as (
    select
        campaign_code,
        round(sum(credit) filter (where conversion = 'followed' and model = 'first_touch'), 6) as followed_first_touch,
        round(sum(credit) filter (where conversion = 'followed' and model = 'last_touch'), 6) as followed_last_touch,
        round(sum(credit) filter (where conversion = 'followed' and model = 'linear'), 6) as followed_linear,
        round(sum(credit) filter (where conversion = 'followed' and model = 'time_decay'), 6) as followed_time_decay,
        round(sum(credit) filter (where conversion = 'followed' and model = 'position_based'), 6) as followed_position_based,
        round(sum(credit) filter (where conversion = 'installed' and model = 'first_touch'), 6) as installed_first_touch,
        round(sum(credit) filter (where conversion = 'installed' and model = 'last_touch'), 6) as installed_last_touch,
        round(sum(credit) filter (where conversion = 'installed' and model = 'linear'), 6) as installed_linear,
        round(sum(credit) filter (where conversion = 'installed' and model = 'time_decay'), 6) as installed_time_decay,
        round(sum(credit) filter (where conversion = 'installed' and model = 'position_based'), 6) as installed_position_based,
    from credits
    group by campaign_code
),

-- days from a household's first touch of the campaign to its first contact / installation
first_touches as (
    select
        all_touches.campaign_code,
        households.household_id,
        households.first_contact_date
            - min(all_touches.touch_date) filter (
                where all_touches.touch_date <= households.first_contact_date)
            as days_to_followed,
        households.installation_date
            - min(all_touches.touch_date) filter (
                where all_touches.touch_date <= households.installation_date)
            as days_to_installed,
    from all_touches
    inner join households on all_touches.household_id = households.household_id
    group by all_touches.campaign_code, households.household_id, households.first_contact_date,
        households.installation_date
),

delays as (
    select
        campaign_code,
        median(days_to_followed) as median_days_to_followed,
        median(days_to_installed) as median_days_to_installed,
        -- (how many households each median is of: a bilan withholds one of a few)
        count(days_to_followed) as households_days_to_followed,
        count(days_to_installed) as households_days_to_installed,
    from first_touches
    group by campaign_code
),

codes as (
    select campaign_code from campaigns
    union
    select campaign_code from reach
    union
    select campaign_code from model_credits
),

final as (
    select
        codes.campaign_code,
        case when codes.campaign_code = 'unattributed' then 'Non attribué (ni contact ni campagne connue)'
            else coalesce(campaigns.campaign_label, codes.campaign_code) end as campaign_label,
        coalesce(campaigns.channel, 'autre') as channel,
        campaigns.start_date,
        campaigns.end_date,
        campaigns.budget_eur::double as budget_eur,
        -- (the costs' numerator: the selection's part of the budget, _selection.sql)
        selected_budget(campaigns.budget_eur::double, campaigns.campaign_code,
                        coalesce(campaigns.channel, 'autre'), campaigns.start_date,
                        campaigns.end_date, $date_from, $date_to, $channels, $campaigns)
            as budget_selected_eur,
        campaigns.campaign_code is not null as is_known_campaign,
        coalesce(reach.touches, 0) as touches,
        coalesce(reach.persons, 0) as persons,
        coalesce(reach.anonymous_interactions, 0) as anonymous_interactions,
        coalesce(reach.persons_became_households, 0) as persons_became_households,
        reach.persons_became_households / nullif(reach.persons, 0) as became_household_share,
        coalesce(model_credits.followed_first_touch, 0) as followed_first_touch,
        coalesce(model_credits.followed_last_touch, 0) as followed_last_touch,
        coalesce(model_credits.followed_linear, 0) as followed_linear,
        coalesce(model_credits.followed_time_decay, 0) as followed_time_decay,
        coalesce(model_credits.followed_position_based, 0) as followed_position_based,
        coalesce(model_credits.installed_first_touch, 0) as installed_first_touch,
        coalesce(model_credits.installed_last_touch, 0) as installed_last_touch,
        coalesce(model_credits.installed_linear, 0) as installed_linear,
        coalesce(model_credits.installed_time_decay, 0) as installed_time_decay,
        coalesce(model_credits.installed_position_based, 0) as installed_position_based,
        delays.median_days_to_followed,
        delays.median_days_to_installed,
        coalesce(delays.households_days_to_followed, 0) as households_days_to_followed,
        coalesce(delays.households_days_to_installed, 0) as households_days_to_installed,
    from codes
    left join campaigns on codes.campaign_code = campaigns.campaign_code
    left join reach on codes.campaign_code = reach.campaign_code
    left join model_credits on codes.campaign_code = model_credits.campaign_code
    left join delays on codes.campaign_code = delays.campaign_code
),

with_spread as (
    select
        *,
        least(followed_first_touch, followed_last_touch, followed_linear, followed_time_decay,
              followed_position_based) as followed_min,
        greatest(followed_first_touch, followed_last_touch, followed_linear,
                 followed_time_decay, followed_position_based) as followed_max,
        least(installed_first_touch, installed_last_touch, installed_linear,
              installed_time_decay, installed_position_based) as installed_min,
        greatest(installed_first_touch, installed_last_touch, installed_linear,
                 installed_time_decay, installed_position_based) as installed_max,
        cost_per(budget_selected_eur, followed_first_touch) as cost_per_followed_first_touch,
        cost_per(budget_selected_eur, followed_last_touch) as cost_per_followed_last_touch,
        cost_per(budget_selected_eur, followed_linear) as cost_per_followed_linear,
        cost_per(budget_selected_eur, followed_time_decay) as cost_per_followed_time_decay,
        cost_per(budget_selected_eur, followed_position_based) as cost_per_followed_position_based,
        cost_per(budget_selected_eur, installed_first_touch) as cost_per_installed_first_touch,
        cost_per(budget_selected_eur, installed_last_touch) as cost_per_installed_last_touch,
        cost_per(budget_selected_eur, installed_linear) as cost_per_installed_linear,
        cost_per(budget_selected_eur, installed_time_decay) as cost_per_installed_time_decay,
        cost_per(budget_selected_eur, installed_position_based) as cost_per_installed_position_based,
    from final
)

select * from with_spread
order by campaign_code = 'unattributed', start_date nulls last, campaign_code
