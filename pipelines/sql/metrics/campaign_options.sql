-- Every campaign code that a household's file names, in order of first use, with its label;
-- '' (no campaign) for the households whose file names none, so the filter can select them.
-- grain: one row per code · filters: none
select
    coalesce(campaign_code, '') as campaign_code,
    any_value(campaign_label) as campaign_label,
    count(*) as households,
from marts.households
group by campaign_code
order by min(first_contact_date), campaign_code
