-- one row per data row of the campaign-contacts exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row
with source as (
    select * from raw.touches
),

-- a file's name is checked once, not on each of its million rows
files as (
    select file_order, pseudonymise(file) as file from raw.files where source = 'touches'
),

-- every text kept is published: an email or phone typed in it is masked (free text) or the
-- identifier pseudonymised; the timestamp, only parsed, is masked where reported
cleaned as (
    select
        source.file_order,
        files.file,
        line,
        extra_values,
        load_problem,
        pseudonymise(clean(touch_id)) as touch_id,
        clean(touched_at) as touched_raw,
        pseudonymise(clean(campaign_code)) as campaign_code,
        mask_pii(clean(channel_label)) as channel_label,
        mask_pii(clean(interaction_type)) as interaction_type,
        clean(email) as email_raw,
        pseudonymise(clean(prospect_id)) as prospect_id,
    from source
    inner join files on source.file_order = files.file_order
),

typed as (
    select
        *,
        -- compared lower-cased; not an address (`-`, `n/a`, `inconnu@`): missing, and warned,
        -- so that it never names the touch's person
        case when is_email(email_raw) then lower(email_raw) end as email,
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
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(touch_id is null, 'ID interaction', 'valeur obligatoire manquante', null),
            reject_if(touched_raw is null, 'Horodatage', 'valeur obligatoire manquante', null),
            reject_if(touched_at is null, 'Horodatage', 'date invalide', touched_raw),
            reject_if(campaign_code is null, 'Code campagne', 'valeur obligatoire manquante',
                      null),
        ) as reject,
        -- (one optional column: a CASE, not a list filtered by a lambda on every row)
        case when email_raw is not null and email is null
            then [invalid_if(true, 'Email', email_raw)]
            else []::struct("column" varchar, "value" varchar)[]
        end as invalid_values,
    from typed
)

select * from final
