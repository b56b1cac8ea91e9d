-- one row per accepted installation, pointing at the kept household (a merged prospect's
-- installation counts for the household it was folded into), with its commune of the Lot
with accepted as (
    select * from core.installation_rows where row_status = 'accepted'
),

communes as (
    select * from ref.communes
),

-- a code retired by a commune merger still names a place: its commune of today
renamed as (
    select * from ref.commune_changes
),

final as (
    select
        accepted.installation_id,
        accepted.household_id,
        accepted.prospect_id,
        accepted.installation_date,
        accepted.commune_code,
        coalesce(communes.commune_name, current_commune.commune_name, accepted.commune_name)
            as commune_name,
        coalesce(communes.commune_code, current_commune.commune_code) as lot_commune_code,
        coalesce(communes.epci_code, current_commune.epci_code) as epci_code,
        coalesce(communes.epci_name, current_commune.epci_name) as epci_name,
        coalesce(communes.commune_code, current_commune.commune_code) is not null
            as is_known_commune,
        accepted.people_installed,
        accepted.professional_situation,
        accepted.file,
        accepted.line,
        accepted.file_order,
    from accepted
    left join communes on accepted.commune_code = communes.commune_code
    left join renamed on accepted.commune_code = renamed.old_code
    left join communes as current_commune on renamed.new_code = current_commune.commune_code
)

select * from final
