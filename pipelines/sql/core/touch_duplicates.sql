-- one row per valid campaign-contact row whose ID an earlier row already holds (grain: file,
-- line): the rows the touch rows model marks as duplicates (the first row of an ID wins)
with staged as (
    select file_order, line, touch_id from staging.touches where reject is null
),

-- IDs met more than once: a few among millions, so the ranking runs on them alone, not on
-- every touch (grouping by a 64-bit hash is cheap; a collision only ranks a few more rows)
repeated as (
    select hash(touch_id) as id_hash
    from staged
    group by id_hash
    having count(*) > 1
),

ranked as (
    select
        file_order,
        line,
        row_number() over (partition by touch_id order by file_order, line) as position,
    from staged
    where hash(touch_id) in (select id_hash from repeated)
)

select file_order, line from ranked where position > 1
