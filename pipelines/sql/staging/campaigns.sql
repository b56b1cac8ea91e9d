-- one row per data row of the campaigns exports (grain: file, line): values typed, and
-- `reject` = the first failing rule of the row
with source as (
    select * from raw.campaigns
),

-- every text kept is published: an email or phone typed in it is masked (free text) or the
-- identifier pseudonymised; values only parsed (dates, amount) are masked where reported
cleaned as (
    select
        file_order,
        pseudonymise(file) as file,
        line,
        extra_values,
        load_problem,
        pseudonymise(clean(campaign_code)) as campaign_code,
        shown_text(label) as label,
        shown_text(channel_label) as channel_label,
        clean(start_date) as start_raw,
        clean(end_date) as end_raw,
        clean(budget) as budget_raw,
    from source
),

typed as (
    select
        *,
        parse_date(start_raw) as start_date,
        parse_date(end_raw) as end_date,
        parse_amount(budget_raw) as budget_eur,
    from cleaned
),

final as (
    select
        file_order,
        file,
        line,
        campaign_code,
        label,
        channel_label,
        norm_label(channel_label) as channel_key,
        start_date,
        end_date,
        budget_eur,
        coalesce(
            reject_if(load_problem is not null, null, load_problem, null),
            reject_if(extra_values > 0, null, 'ligne avec plus de valeurs que de colonnes', null),
            reject_if(campaign_code is null, 'Code campagne', 'valeur obligatoire manquante',
                      null),
        ) as reject,
        list_filter([
            invalid_if(start_raw is not null and start_date is null, 'Date début', start_raw),
            invalid_if(end_raw is not null and end_date is null, 'Date fin', end_raw),
            invalid_if(budget_raw is not null and budget_eur is null, 'Budget (€)', budget_raw),
        ], lambda invalid: invalid is not null) as invalid_values,
    from typed
)

-- (a value reported is masked once, here: macros.sql masked_reject)
select * replace (masked_reject(reject) as reject)
from final
