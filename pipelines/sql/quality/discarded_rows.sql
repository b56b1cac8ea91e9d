-- one row per data row that did not become data (grain: source, file, line): rejected, or a
-- duplicate of a row that won; published instead of quality.row_fates, which also lists every
-- accepted row and is as large as the exports
with fates as (
    select * from quality.row_fates
),

final as (
    select
        source,
        file_order,
        file,
        line,
        row_status,
    from fates
    where row_status <> 'accepted'
)

select * from final
