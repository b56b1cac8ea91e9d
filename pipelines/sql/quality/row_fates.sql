-- materialized: view
-- one row per data row read from any export (grain: source, file, line), with its fate. A view:
-- its few readers (counts per file, the rejected and duplicate rows, the invalid values) filter
-- eleven million rows, which a copy of them cost more than
with prospects as (
    select
        'prospects' as source, file_order, file, line, row_status, reject, invalid_values,
    from core.prospect_rows
),

installations as (
    select
        'installations' as source, file_order, file, line, row_status, reject, invalid_values,
    from core.installation_rows
),

ambassadors as (
    select
        'ambassadors' as source, file_order, file, line, row_status, reject, invalid_values,
    from core.ambassador_rows
),

-- (the touches keep their file's position only: its name is joined here)
touches as (
    select
        'touches' as source, file_order, files.file, line, row_status, reject, invalid_values,
    from core.touch_rows
    inner join core.touch_files as files using (file_order)
),

campaigns as (
    select
        'campaigns' as source, file_order, file, line, row_status, reject, invalid_values,
    from core.campaign_rows
),

final as (
    select * from prospects
    union all by name select * from installations
    union all by name select * from ambassadors
    union all by name select * from touches
    union all by name select * from campaigns
)

select * from final
