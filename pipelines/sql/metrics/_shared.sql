-- What every metric shares, defined once: the selection a reader asks for (a period of first
-- contact = cohorts, channels, campaigns) and the rules that more than one figure uses.
-- Loaded as temporary macros before each metric runs (pipelines/metrics.py). A NULL argument
-- is no filter; the campaign '' selects the households whose file names no campaign.

-- The period and list filters (in_period, in_list) are in _selection.sql, loaded before this
-- file: the build runs them too, for the mart the dashboard also asks (campaign_metrics).

-- Households whose first contact falls in the period (cohorts, as a funnel does): their
-- accompaniment and installation count whenever they happened.
create or replace temp macro selected_households(date_from, date_to, channels, campaigns)
as table
    select * from marts.households
    where in_period(first_contact_date, date_from, date_to)
      and in_list(channel, channels)
      and names_campaign(campaign_code, campaigns);

-- Touches dated in the period, by their own channel and campaign (a touch always has one).
create or replace temp macro selected_touches(date_from, date_to, channels, campaigns)
as table
    select * from core.touches
    where in_period(touch_date, date_from, date_to)
      and in_list(channel, channels)
      and in_list(campaign_code, campaigns);

-- Attribution credits of the selection's households (both conversions): those of the
-- period, by the household's channel and the campaign its dossier names, whichever campaign
-- each credit goes to (narrowed by the credited campaign, a household's credit would lose the
-- others' share).
create or replace temp macro selected_credits(date_from, date_to, channels, campaigns)
as table
    select * from marts.attribution_credits
    where in_period(first_contact_date, date_from, date_to)
      and in_list(channel, channels)
      and names_campaign(household_campaign_code, campaigns);

-- Ambassadors who joined on or before the end of the period.
create or replace temp macro selected_ambassadors(date_to) as table
    select * from core.ambassadors
    where date_to is null or joined_date <= date_to;

-- The contract's reconciliation of a file's or a source's rows (shared/spec/exports.md, `rows`):
-- every row read is accepted, rejected or a duplicate (checks/reconciliation.sql refuses to
-- publish otherwise, so a published database reads true unless it was altered after its build).
create or replace temp macro is_reconciled(rows_read, accepted, rejected, duplicates) as
    coalesce(rows_read = accepted + rejected + duplicates, false);

-- A rate always travels with its base: value = part / whole, the counts, and what the whole
-- counts (« suivis », « accompagnés »…); NULL value when the whole is 0.
create or replace temp macro rate(part, whole, base) as
    {'value': part / nullif(whole, 0), 'part': part, 'whole': whole, 'base': base};

-- A cohort (households first contacted up to `last_day`) is complete once its last household
-- has had 12 months to install before the data date; until then its rate still climbs.
create or replace temp macro cohort_months() as 12;

create or replace temp macro cohort_is_complete(last_day, data_date) as
    (last_day + to_months(cohort_months()))::date <= data_date;

-- An accompanied household (not installed) without news: neither its accompaniment nor an
-- update of its file within `after_days` days of the data date.
create or replace temp macro is_stalled(stage, days_without_activity, after_days) as
    stage = 'accompagné' and days_without_activity > after_days;
