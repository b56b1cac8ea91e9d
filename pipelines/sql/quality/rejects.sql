-- one row per rejected data row (grain: source, file, line): where it is and why, in plain words
with rejected as (
    select * from quality.row_fates where row_status = 'rejected'
),

final as (
    select
        source,
        file,
        line,
        reject.column as "column",
        reject.value as value,
        reject.reason as reason,
        file_order,
    from rejected
)

select * from final order by source, file_order, line
