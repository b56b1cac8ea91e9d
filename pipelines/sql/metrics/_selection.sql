-- The filter of a selection, defined once for the metrics layer and for the build (the mart
-- campaign_metrics runs with NULL filters in the build and with the reader's in the layer).
-- A NULL argument is no filter.

-- Both ends inclusive, either left open (shared/spec/exports.md, « The period »).
create or replace temp macro in_period(day, date_from, date_to) as
    (date_from is null or day >= date_from) and (date_to is null or day <= date_to);

create or replace temp macro in_list(value, allowed) as
    allowed is null or list_contains(allowed, value);

-- A household by the campaign its dossier names: '' selects those whose dossier names none.
create or replace temp macro names_campaign(campaign_code, campaigns) as
    in_list(coalesce(campaign_code, ''), campaigns);

-- The part of a campaign's budget that a selection accounts for, the numerator of every cost
-- (what a household followed or an installation cost): the whole budget without a filter;
-- over a period, the share of the campaign's days that fall in it (budgets have no dates of
-- their own: spent evenly from its start to its end, the start alone when it has no end),
-- NULL when it did not run in the period (a 2024 campaign credited by 2023's households cost
-- « 0 € ») or has no start (it cannot be placed); NULL when a channel filter leaves the
-- campaign's own channel out (its budget was not spent on those households: divided by the
-- few credits they gave it, a trade fair's 0,2 installation cost 106 000 €), or a campaign
-- filter the campaign itself (Campagnes showed every budget under a filter naming one campaign,
-- 322 k€ for its 41 k€). A whole budget
-- divided by one year's credits made a multi-year campaign 10 to 50 times dearer than over
-- the whole programme.
create or replace temp macro campaign_days_in(start_date, end_date, date_from, date_to) as
    least(greatest(coalesce(end_date, start_date), start_date),
          coalesce(date_to, greatest(coalesce(end_date, start_date), start_date)))
    - greatest(start_date, coalesce(date_from, start_date)) + 1;

create or replace temp macro selected_budget(budget, campaign_code, channel, start_date,
                                             end_date, date_from, date_to, channels,
                                             campaigns) as
    case
        when not in_list(channel, channels) or not in_list(campaign_code, campaigns) then null
        when date_from is null and date_to is null then budget
        when campaign_days_in(start_date, end_date, date_from, date_to) > 0 then
            budget * campaign_days_in(start_date, end_date, date_from, date_to)
            / campaign_days_in(start_date, end_date, null, null)
    end;

-- A cost (what a household followed or an installation cost): the selection's budget over the
-- credits, exact (the households' shares of the budget add up to it); none where the credit
-- reads « 0,0 » as every page and bilan writes it (2 400 € over a credit of 0,003 read
-- « 794 557 € » beside « 0,0 »).
create or replace temp macro cost_per(budget, credit) as
    budget / if(round(credit, 1) = 0, null, credit);
