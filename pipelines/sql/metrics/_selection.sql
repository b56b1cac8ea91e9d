-- The filter of a selection, defined once for the metrics layer and for the build (the mart
-- campaign_metrics runs with NULL filters in the build and with the reader's in the layer).
-- A NULL argument is no filter.

-- Both ends inclusive, either left open (shared/spec/exports.md, « The period »).
create or replace temp macro in_period(day, date_from, date_to) as
    (date_from is null or day >= date_from) and (date_to is null or day <= date_to);

create or replace temp macro in_list(value, allowed) as
    allowed is null or list_contains(allowed, value);
