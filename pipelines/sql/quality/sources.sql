-- one row per source (grain: source), even one with no file: its row counts summed over files
with sources as (
    select * from ref.sources
),

files as (
    select * from quality.files
),

final as (
    select
        sources.source,
        sources.source_order,
        count(files.file) as files,
        coalesce(sum(files.read), 0)::bigint as "read",
        coalesce(sum(files.accepted), 0)::bigint as accepted,
        coalesce(sum(files.rejected), 0)::bigint as rejected,
        coalesce(sum(files.duplicates), 0)::bigint as duplicates,
        case when sources.source = 'prospects' then coalesce(sum(files.merged), 0)::bigint end
            as merged,
    from sources
    left join files on sources.source = files.source
    group by sources.source, sources.source_order
)

select * from final order by source_order
