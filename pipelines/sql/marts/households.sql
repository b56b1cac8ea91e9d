-- one row per household followed (grain: household_id), as the dashboard reads it: its source,
-- its funnel stage and dates, where it installed; no personal data (not even hashed)
with households as (
    select * from core.households
),

campaigns as (
    select campaign_code, campaign_label from core.campaigns
),

final as (
    select
        households.household_id,
        households.first_contact_date,
        date_trunc('month', households.first_contact_date)::date as first_contact_month,
        date_trunc('quarter', households.first_contact_date)::date as first_contact_quarter,
        households.channel,
        households.channel_label,
        -- NULL when the file names no campaign: « (sans campagne) » is a display label
        households.campaign_code,
        coalesce(campaigns.campaign_label, households.campaign_code) as campaign_label,
        households.ambassador_id,
        households.ambassador_id is not null as is_referred,
        households.origin_departement,
        households.project_type,
        households.status,
        households.household_size,
        households.accompaniment_date,
        households.immersion_date,
        households.updated_date,
        households.installation_date,
        date_trunc('month', households.installation_date)::date as installation_month,
        households.installation_commune_code,
        households.installation_commune_name,
        households.installation_lot_commune_code,
        households.installation_epci_code,
        households.installation_epci_name,
        households.is_accompanied,
        households.is_installed,
        households.people_installed,
        households.installation_date - households.first_contact_date as days_to_install,
        case
            when households.is_installed then 'installé'
            when households.is_accompanied then 'accompagné'
            else 'suivi'
        end as stage,
        households.merged_prospect_count,
    from households
    left join campaigns on households.campaign_code = campaigns.campaign_code
)

select * from final
