-- one row per ambassador (accepted ID)
with accepted as (
    select * from core.ambassador_rows where row_status = 'accepted'
),

final as (
    select
        ambassador_id,
        joined_date,
        coalesce(ambassador_type, 'Non renseigné') as ambassador_type,
        commune_code,
        is_active,
    from accepted
)

select * from final
