-- one row per household followed (a kept prospect after rules 1 and 2), with its channel,
-- funnel stage dates and where it installed (its earliest accepted installation)
with prospects as (
    select * from core.prospects
),

installations as (
    select * from core.installations
),

channels as (
    select * from ref.channel_labels
),

earliest_installation as (
    select
        household_id,
        arg_min(
            struct_pack(installation_date, installation_id, commune_code, commune_name,
                        lot_commune_code, epci_code, epci_name, people_installed),
            (installation_date, file_order, line)
        ) as first_installation,
        count(*) as installation_count,
    from installations
    group by household_id
),

merged_counts as (
    select household_id, count(*) as merged_prospect_count
    from prospects
    where is_merged
    group by household_id
),

final as (
    select
        prospects.household_id,
        prospects.first_contact_date,
        coalesce(channels.channel, 'autre') as channel,
        prospects.channel_label,
        prospects.campaign_code,
        prospects.ambassador_id,
        prospects.origin_departement,
        prospects.project_type,
        prospects.status,
        prospects.household_size,
        prospects.accompaniment_date,
        prospects.immersion_date,
        prospects.updated_date,
        prospects.email_hash,
        prospects.phone_hash,
        earliest.first_installation.installation_date as installation_date,
        earliest.first_installation.commune_code as installation_commune_code,
        earliest.first_installation.commune_name as installation_commune_name,
        earliest.first_installation.lot_commune_code as installation_lot_commune_code,
        earliest.first_installation.epci_code as installation_epci_code,
        earliest.first_installation.epci_name as installation_epci_name,
        coalesce(earliest.installation_count, 0) as installation_count,
        earliest.household_id is not null as is_installed,
        prospects.accompaniment_date is not null or earliest.household_id is not null
            as is_accompanied,
        -- people installed: the earliest installation's figure, else the household's, else 1
        case when earliest.household_id is not null then coalesce(
            earliest.first_installation.people_installed, prospects.household_size, 1
        ) end as people_installed,
        coalesce(merged_counts.merged_prospect_count, 0) as merged_prospect_count,
    from prospects
    left join channels on prospects.channel_key = channels.label_key
    left join earliest_installation as earliest
        on prospects.prospect_id = earliest.household_id
    left join merged_counts on prospects.prospect_id = merged_counts.household_id
    where not prospects.is_merged
)

select * from final
