-- Budget of the campaigns of the export (never `unattributed`), in euros: the selection's part
-- of each (selected_budget: over a period, the share of its days in it; with channels, the
-- campaigns of those channels; with campaigns, those campaigns), and the campaigns that count.
-- grain: one row · filters: period, channels, campaigns
with parts as (
    select selected_budget(budget_eur::double, campaign_code, coalesce(channel, 'autre'),
                           start_date, end_date, $date_from, $date_to, $channels, $campaigns)
               as budget_eur,
    from core.campaigns
)

select coalesce(sum(budget_eur), 0)::double as budget_eur,
    count(budget_eur) as campaigns,
from parts
