-- one row per data row of the campaign-contacts exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row.
-- Ten million rows at scale, so only what later rules need: the file by its position (its name
-- is joined by the few readers that show it), the raw channel label (its key is computed per
-- distinct label), the time (its date is cast where used). Those three were a third of the
-- table, spilled to disk past the memory limit (issue 12).
with source as (
    select * from raw.touches
),

-- every text kept is published: an email or phone typed in it is masked (free text) or the
-- identifier pseudonymised; the timestamp, only parsed, is masked where reported
cleaned as (
    select
        file_order,
        line,
        extra_values,
        load_problem,
        pseudonymise(clean(touch_id)) as touch_id,
        clean(touched_at) as touched_raw,
        pseudonymise(clean(campaign_code)) as campaign_code,
        shown_text(channel_label) as channel_label,
        shown_text(interaction_type) as interaction_type,
        clean(email) as email_raw,
        pseudonymise(clean(prospect_id)) as prospect_id,
    from source
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
        line,
        touch_id,
        touched_at,
        campaign_code,
        channel_label,
        interaction_type,
        email_key(email) as email_hash,
        prospect_id,
        coalesce(
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(touch_id is null, 'ID interaction', 'valeur obligatoire manquante', null),
            reject_if(touched_raw is null, 'Horodatage', 'valeur obligatoire manquante', null),
            reject_if(touched_at is null, 'Horodatage', date_reason(touched_raw), touched_raw),
            reject_if(campaign_code is null, 'Code campagne', 'valeur obligatoire manquante',
                      null),
        ) as reject,
        -- (one optional column: a CASE, not a list filtered by a lambda on every row)
        case when email_raw is not null and email is null
            then [invalid_if(true, 'Email', email_shown(email_raw))]
            else []::struct("column" varchar, "value" varchar)[]
        end as invalid_values,
    from typed
)

-- (a value reported is masked once, here: macros.sql masked_reject)
select * replace (masked_reject(reject) as reject)
from final
