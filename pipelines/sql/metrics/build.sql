-- The published build: when, in how long, files and rows read, how many rows were refused
-- and warnings raised.
-- grain: one row · filters: none
select
    build.built_at,
    build.duration_s,
    (select coalesce(sum(files), 0) from quality.sources)::bigint as files,
    (select coalesce(sum("read"), 0) from quality.sources)::bigint as rows_read,
    (select count(*) from quality.rejects) as rejected,
    (select count(*) from quality.warnings) as warnings,
from quality.build as build
