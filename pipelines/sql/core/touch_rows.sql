-- one row per data row of the campaign-contacts exports (grain: file, line), with its fate:
-- rejected, duplicate (the first row of an ID wins) or accepted
with staged as (
    select * from staging.touches
),

final as (
    select
        *,
        case
            when reject is not null then 'rejected'
            when row_number() over (
                partition by touch_id, reject is null order by file_order, line
            ) = 1 then 'accepted'
            else 'duplicate'
        end as row_status,
    from staged
)

select * from final
