-- one row per data row of the prospects exports (grain: file, line), with its fate:
-- rejected, duplicate (rule 1: the latest « Date de mise à jour » of an ID wins) or accepted
with staged as (
    select * from staging.prospects
),

ranked as (
    select
        *,
        case when reject is null then row_number() over (
            partition by prospect_id, reject is null
            -- no update date counts as oldest; a tie goes to the later row in name-then-line order
            order by updated_date desc nulls last, file_order desc, line desc
        ) end as rank_in_id,
    from staged
),

final as (
    select
        *,
        case
            when reject is not null then 'rejected'
            when rank_in_id = 1 then 'accepted'
            else 'duplicate'
        end as row_status,
    from ranked
)

select * from final
