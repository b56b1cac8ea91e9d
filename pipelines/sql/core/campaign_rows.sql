-- one row per data row of the campaigns exports (grain: file, line), with its fate:
-- rejected, duplicate (the contract is silent: the first row of a code wins, as elsewhere)
-- or accepted
with staged as (
    select * from staging.campaigns
),

final as (
    select
        *,
        case
            when reject is not null then 'rejected'
            when row_number() over (
                partition by campaign_code, reject is null order by file_order, line
            ) = 1 then 'accepted'
            else 'duplicate'
        end as row_status,
    from staged
)

select * from final
