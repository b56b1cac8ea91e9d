-- one row per data row of the campaign-contacts exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row
with source as (
    select * from raw.touches
),

cleaned as (
    select
        file_order,
        file,
        line,
        extra_values,
        clean(touch_id) as touch_id,
        clean(touched_at) as touched_raw,
        clean(campaign_code) as campaign_code,
        clean(channel_label) as channel_label,
        clean(interaction_type) as interaction_type,
        lower(clean(email)) as email,
        clean(prospect_id) as prospect_id,
    from source
),

typed as (
    select
        *,
        parse_ts(touched_raw) as touched_at,
    from cleaned
),

final as (
    select
        file_order,
        file,
        line,
        touch_id,
        touched_at,
        cast(touched_at as date) as touch_date,
        campaign_code,
        channel_label,
        norm_label(channel_label) as channel_key,
        interaction_type,
        email_key(email) as email_hash,
        prospect_id,
        coalesce(
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(touch_id is null, 'ID interaction', 'valeur obligatoire manquante', null),
            reject_if(touched_raw is null, 'Horodatage', 'valeur obligatoire manquante', null),
            reject_if(touched_at is null, 'Horodatage', 'date invalide', touched_raw),
            reject_if(campaign_code is null, 'Code campagne', 'valeur obligatoire manquante',
                      null),
        ) as reject,
        cast([] as struct("column" varchar, value varchar)[]) as invalid_values,
    from typed
)

select * from final
