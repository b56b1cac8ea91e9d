-- one row per export file read (grain: source, file): its fingerprint and row counts, where
-- read = accepted + rejected + duplicates (checked), and merged counts accepted IDs folded
with files as (
    -- named as the staging models name them: a file name or sheet holding an email or phone
    -- is published pseudonymised / masked
    select * replace (pseudonymise(file) as file, mask_pii(sheet) as sheet) from raw.files
),

-- (by position: grouping eleven million rows by a number, not by a file name)
fates as (
    select
        source,
        file_order,
        count(*) as rows_counted,
        count(*) filter (where row_status = 'accepted') as accepted,
        count(*) filter (where row_status = 'rejected') as rejected,
        count(*) filter (where row_status = 'duplicate') as duplicates,
    from quality.row_fates
    group by source, file_order
),

merged as (
    select file, count(*) as merged from core.merges group by file
),

final as (
    select
        files.source,
        files.file,
        files.file_order,
        files.sha256,
        files.modified_at,
        files.encoding,
        files.delimiter,
        files.sheet,
        files.rows_read as "read",
        coalesce(fates.accepted, 0) as accepted,
        coalesce(fates.rejected, 0) as rejected,
        coalesce(fates.duplicates, 0) as duplicates,
        case when files.source = 'prospects' then coalesce(merged.merged, 0) end as merged,
        coalesce(fates.rows_counted, 0) as rows_counted,
    from files
    left join fates on files.source = fates.source and files.file_order = fates.file_order
    left join merged on files.source = 'prospects' and files.file = merged.file
)

select * from final order by source, file_order
