-- The published build: when, in how long, how many rows were refused and warnings raised.
-- grain: one row · filters: none
select
    build.built_at,
    build.duration_s,
    (select count(*) from quality.rejects) as rejected,
    (select count(*) from quality.warnings) as warnings,
from quality.build as build
