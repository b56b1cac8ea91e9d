-- one row per household followed (grain: household_id): its current funnel stage, the date it
-- entered it, and how long it has spent in it and without news, as of the data date
with households as (
    select * from marts.households
),

data_date as (
    select data_date from marts.data_date
),

staged as (
    select
        household_id,
        stage,
        -- the stage's own date: first contact, start of accompaniment, installation
        case stage
            when 'installé' then installation_date
            when 'accompagné' then accompaniment_date
            else first_contact_date
        end as stage_date,
        updated_date,
    from households
),

final as (
    select
        staged.household_id,
        staged.stage,
        staged.stage_date,
        -- the last sign of life: entering the stage or a later update of the record
        greatest(staged.stage_date, staged.updated_date) as last_activity_date,
        data_date.data_date,
        data_date.data_date - staged.stage_date as days_in_stage,
        data_date.data_date - greatest(staged.stage_date, staged.updated_date)
            as days_without_activity,
    from staged
    cross join data_date
)

select * from final
