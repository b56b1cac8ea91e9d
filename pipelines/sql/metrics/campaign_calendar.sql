-- Campaigns with a start date, their end (the start when missing), channel and budget: those
-- running at some point of the period (a region's hundreds of campaigns made the calendar of
-- one year as tall as the whole programme's).
-- grain: one row per campaign · filters: period (campaigns running in it)
select
    campaign_code,
    campaign_label,
    channel,
    start_date,
    coalesce(end_date, start_date) as end_date,
    budget_eur::double as budget_eur,
from core.campaigns
where start_date is not null
    and ($date_to is null or start_date <= $date_to)
    and ($date_from is null or coalesce(end_date, start_date) >= $date_from)
order by start_date, campaign_code
