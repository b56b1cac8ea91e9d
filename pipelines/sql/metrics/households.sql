-- The selection's households, for one channel and one campaign when given ($campaign '' =
-- no campaign): pseudonymous ID, stage, CRM status, dates, commune (no personal data).
-- grain: one row per household · filters: period, channels, campaigns; $channel, $campaign
select
    household_id,
    stage,
    channel,
    campaign_code,
    status,
    first_contact_date,
    accompaniment_date,
    immersion_date,
    installation_date,
    installation_commune_name,
    installation_epci_name,
    days_to_install,
from selected_households($date_from, $date_to, $channels, $campaigns)
where ($channel is null or channel = $channel)
  and ($campaign is null or coalesce(campaign_code, '') = $campaign)
order by first_contact_date, household_id
