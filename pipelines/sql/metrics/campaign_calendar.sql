-- Campaigns with a start date, their end (the start when missing), channel and budget.
-- grain: one row per campaign · filters: none
select
    campaign_code,
    campaign_label,
    channel,
    start_date,
    coalesce(end_date, start_date) as end_date,
    budget_eur::double as budget_eur,
from core.campaigns
where start_date is not null
order by start_date, campaign_code
