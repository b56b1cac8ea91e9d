-- one row per data row of the installations exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row; the unknown-prospect rule needs prospects (core)
with source as (
    select * from raw.installations
),

-- every text kept is published: an email or phone typed in it is masked (free text) or the
-- identifier pseudonymised; values only parsed (dates, numbers) are masked where reported
cleaned as (
    select
        file_order,
        pseudonymise(file) as file,
        line,
        extra_values,
        load_problem,
        pseudonymise(clean(installation_id)) as installation_id,
        pseudonymise(clean(prospect_id)) as prospect_id,
        clean(installation_date) as installation_raw,
        mask_pii(upper(clean(commune_code))) as commune_code,
        shown_text(commune_name) as commune_name,
        clean(people_installed) as people_installed_raw,
        shown_text(professional_situation) as professional_situation,
    from source
),

typed as (
    select
        *,
        parse_date(installation_raw) as installation_date,
        parse_int(people_installed_raw) as people_installed_int,
    from cleaned
),

final as (
    select
        file_order,
        file,
        line,
        installation_id,
        prospect_id,
        installation_date,
        commune_code,
        commune_name,
        case when people_installed_int >= 1 then people_installed_int end as people_installed,
        professional_situation,
        coalesce(
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(installation_id is null, 'ID installation',
                      'valeur obligatoire manquante', null),
            reject_if(prospect_id is null, 'ID prospect', 'valeur obligatoire manquante', null),
            reject_if(installation_raw is null, 'Date d''installation',
                      'valeur obligatoire manquante', null),
            reject_if(installation_date is null, 'Date d''installation',
                      date_reason(installation_raw), installation_raw),
            reject_if(commune_code is null, 'Code commune', 'valeur obligatoire manquante', null),
            -- 5 characters: 46042, or 2A004 / 2B033 in Corsica
            reject_if(not regexp_full_match(commune_code, '\d{5}|2[AB]\d{3}'), 'Code commune',
                      'code commune invalide (5 caractères attendus)', commune_code),
        ) as reject,
        list_filter([
            invalid_if(people_installed_raw is not null and people_installed is null,
                       'Nb personnes installées', people_installed_raw),
        ], lambda invalid: invalid is not null) as invalid_values,
    from typed
)

-- (a value reported is masked once, here: macros.sql masked_reject)
select * replace (masked_reject(reject) as reject)
from final
