-- Every campaign code that a household's file names, in order of first use, with its label;
-- '' (no campaign) for the households whose file names none, so the filter can select them;
-- then the campaigns of the export that no file names, in calendar order (a link naming one
-- was told « ce que ces données n'ont pas » while Campagnes listed it with its budget).
-- grain: one row per code · filters: none
with named as (
    select
        coalesce(campaign_code, '') as campaign_code,
        any_value(campaign_label) as campaign_label,
        count(*) as households,
        min(first_contact_date) as first_date,
    from marts.households
    group by campaign_code
),

unnamed as (
    select campaign_code, campaign_label, 0 as households, start_date as first_date,
    from core.campaigns
    where campaign_code not in (select campaign_code from named)
)

select campaign_code, campaign_label, households,
from (
    select *, 0 as part from named
    union all
    select *, 1 as part from unnamed
)
order by part, first_date nulls last, campaign_code
