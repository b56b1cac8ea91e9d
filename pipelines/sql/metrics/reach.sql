-- Campaign reach in the period: distinct persons touched (a household or an email, never an
-- anonymous touch) and interactions (accepted touches), by the touch's own date, channel and
-- campaign.
-- grain: one row · filters: period (touch date), channels, campaigns
select count(distinct person_key) as contacts, count(*) as interactions,
from selected_touches($date_from, $date_to, $channels, $campaigns)
