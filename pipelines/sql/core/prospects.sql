-- one row per accepted prospect ID, with the household it belongs to (rule 2: prospects with
-- equal emails are one household, kept under the earliest first contact, then the smallest ID)
with accepted as (
    select * from core.prospect_rows where row_status = 'accepted'
),

by_email as (
    select
        *,
        case
            when email_hash is null then prospect_id
            else first_value(prospect_id) over (
                partition by email_hash order by first_contact_date, prospect_id
            )
        end as household_id,
    from accepted
),

final as (
    select
        *,
        prospect_id <> household_id as is_merged,
    from by_email
)

select * from final
