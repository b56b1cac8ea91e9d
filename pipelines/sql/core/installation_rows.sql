-- one row per data row of the installations exports (grain: file, line), with its fate:
-- rejected (incl. unknown prospect), duplicate (the first row of an ID wins) or accepted
with staged as (
    select * from staging.installations
),

prospects as (
    select prospect_id, household_id from core.prospects
),

checked as (
    select
        staged.* exclude (reject),
        prospects.household_id,
        coalesce(
            staged.reject,
            masked_reject(reject_if(prospects.prospect_id is null, 'ID prospect',
                                    'prospect inconnu', staged.prospect_id)),
        ) as reject,
    from staged
    left join prospects on staged.prospect_id = prospects.prospect_id
),

final as (
    select
        *,
        case
            when reject is not null then 'rejected'
            when row_number() over (
                partition by installation_id, reject is null order by file_order, line
            ) = 1 then 'accepted'
            else 'duplicate'
        end as row_status,
    from checked
)

select * from final
