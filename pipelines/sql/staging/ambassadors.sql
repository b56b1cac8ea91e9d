-- one row per data row of the ambassadors exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row
with source as (
    select * from raw.ambassadors
),

-- every text kept is published: an email or phone typed in it is masked (free text) or the
-- identifier pseudonymised; values only parsed (date, yes/no) are masked where reported
cleaned as (
    select
        file_order,
        pseudonymise(file) as file,
        line,
        extra_values,
        load_problem,
        pseudonymise(clean(ambassador_id)) as ambassador_id,
        clean(joined_date) as joined_raw,
        shown_text(ambassador_type) as ambassador_type,
        mask_pii(upper(clean(commune_code))) as commune_code,
        clean(active) as active_raw,
    from source
),

typed as (
    select
        *,
        parse_date(joined_raw) as joined_date,
        parse_yes_no(active_raw) as active_value,
    from cleaned
),

final as (
    select
        file_order,
        file,
        line,
        ambassador_id,
        joined_date,
        ambassador_type,
        commune_code,
        -- « Actif »: yes by default, and when the value is not a yes/no (reported)
        coalesce(active_value, true) as is_active,
        coalesce(
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(ambassador_id is null, 'ID ambassadeur', 'valeur obligatoire manquante',
                      null),
            reject_if(joined_raw is null, 'Date d''adhésion', 'valeur obligatoire manquante',
                      null),
            reject_if(joined_date is null, 'Date d''adhésion', date_reason(joined_raw),
                      joined_raw),
        ) as reject,
        list_filter([
            invalid_if(active_raw is not null and active_value is null, 'Actif', active_raw),
        ], lambda invalid: invalid is not null) as invalid_values,
    from typed
)

-- (a value reported is masked once, here: macros.sql masked_reject)
select * replace (masked_reject(reject) as reject)
from final
