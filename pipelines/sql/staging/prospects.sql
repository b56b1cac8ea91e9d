-- one row per data row of the prospects exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row ({column, reason, value}), NULL when valid
with source as (
    select * from raw.prospects
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
        pseudonymise(clean(prospect_id)) as prospect_id,
        clean(first_contact_date) as first_contact_raw,
        shown_text(channel_label) as channel_label,
        pseudonymise(clean(campaign_code)) as campaign_code,
        pseudonymise(clean(ambassador_id)) as ambassador_id,
        clean(email) as email_raw,
        clean(phone) as phone,
        clean(household_size) as household_size_raw,
        mask_pii(upper(clean(origin_departement))) as origin_departement_raw,
        shown_text(project_type) as project_type,
        clean(accompaniment_date) as accompaniment_raw,
        clean(immersion_date) as immersion_raw,
        shown_text(status) as status,
        clean(updated_date) as updated_raw,
    from source
),

typed as (
    select
        *,
        -- compared lower-cased; not an address (`-`, `n/a`, `inconnu@`): missing, and warned
        case when is_email(email_raw) then lower(email_raw) end as email,
        parse_date(first_contact_raw) as first_contact_date,
        parse_int(household_size_raw) as household_size_int,
        parse_date(accompaniment_raw) as accompaniment_date,
        parse_date(immersion_raw) as immersion_date,
        parse_date(updated_raw) as updated_date,
    from cleaned
),

final as (
    select
        file_order,
        file,
        line,
        prospect_id,
        first_contact_date,
        channel_label,
        norm_label(channel_label) as channel_key,
        campaign_code,
        ambassador_id,
        email_key(email) as email_hash,
        phone_key(phone) as phone_hash,
        case when household_size_int >= 1 then household_size_int end as household_size,
        -- spreadsheets drop the leading zero of 01 to 09: a lone digit is a département code
        case
            when regexp_full_match(origin_departement_raw, '\d') then '0' || origin_departement_raw
            else origin_departement_raw
        end as origin_departement,
        project_type,
        accompaniment_date,
        immersion_date,
        status,
        updated_date,
        coalesce(
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(prospect_id is null, 'ID prospect', 'valeur obligatoire manquante', null),
            reject_if(first_contact_raw is null, 'Date de premier contact',
                      'valeur obligatoire manquante', null),
            reject_if(first_contact_date is null, 'Date de premier contact',
                      date_reason(first_contact_raw), first_contact_raw),
        ) as reject,
        list_filter([
            invalid_if(email_raw is not null and email is null, 'Email', email_shown(email_raw)),
            invalid_if(household_size_raw is not null and household_size is null,
                       'Nb personnes', household_size_raw),
            invalid_if(accompaniment_raw is not null and accompaniment_date is null,
                       'Date début accompagnement', accompaniment_raw),
            invalid_if(immersion_raw is not null and immersion_date is null,
                       'Date séjour immersion', immersion_raw),
            invalid_if(updated_raw is not null and updated_date is null,
                       'Date de mise à jour', updated_raw),
        ], lambda invalid: invalid is not null) as invalid_values,
    from typed
)

-- (a value reported is masked once, here: macros.sql masked_reject)
select * replace (masked_reject(reject) as reject)
from final
