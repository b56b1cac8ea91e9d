-- materialized: view
-- one row per data row of the campaign-contacts exports (grain: file, line), with its fate:
-- rejected, duplicate (the first row of an ID wins) or accepted. A view: a copy of ten million
-- rows would cost more than the few readers' join with the duplicates
with staged as (
    select * from staging.touches
),

duplicates as (
    select * from core.touch_duplicates
),

final as (
    select
        staged.*,
        case
            when staged.reject is not null then 'rejected'
            when duplicates.line is not null then 'duplicate'
            else 'accepted'
        end as row_status,
    from staged
    left join duplicates
        on staged.file_order = duplicates.file_order and staged.line = duplicates.line
)

select * from final
