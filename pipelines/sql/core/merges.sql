-- one row per prospect ID folded into another household because their emails are equal
with prospects as (
    select * from core.prospects
),

final as (
    select
        prospect_id as merged_prospect_id,
        household_id as kept_prospect_id,
        file,
        line,
    from prospects
    where is_merged
)

select * from final
