-- one row per warning (grain: kind, source, file, line, column, value): what was kept or
-- ignored although not as the contract expects, never a row refused (those are rejects)
with channels as (
    select * from ref.channel_labels
),

labelled as (
    select 'prospects' as source, file_order, file, line, channel_label, channel_key, 1 as n
    from core.prospect_rows
    where row_status = 'accepted'
    union all
    -- (ten million touches: each label's first occurrence and count first, then its key and
    -- its file's name, once per label)
    select 'touches', first_at.file_order, files.file, first_at.line, channel_label,
        norm_label(channel_label), n,
    from (
        select channel_label, min({'file_order': file_order, 'line': line}) as first_at,
            count(*) as n,
        from core.touch_rows
        where row_status = 'accepted' and channel_label is not null
        group by channel_label
    )
    inner join core.touch_files as files on files.file_order = first_at.file_order
    union all
    select 'campaigns', file_order, file, line, channel_label, channel_key, 1
    from core.campaign_rows
    where row_status = 'accepted'
),

unknown_channels as (
    select
        'canal_inconnu' as kind,
        labelled.source,
        -- one row per label, placed at its first occurrence (file, line) so that an officer
        -- finds it in the export; n says how many rows carry it
        first(labelled.file order by labelled.file_order, labelled.line) as file,
        first(labelled.line order by labelled.file_order, labelled.line) as line,
        'Canal' as "column",
        labelled.channel_label as value,
        'libellé de canal inconnu, compté en « Autre » ; ligne = première occurrence' as message,
        sum(labelled.n) as n,
    from labelled
    left join channels on labelled.channel_key = channels.label_key
    where labelled.channel_label is not null and channels.label_key is null
    group by all
),

invalid_values as (
    select
        'valeur_invalide' as kind,
        source,
        file,
        line,
        invalid.column as "column",
        invalid.value as value,
        'valeur invalide, laissée vide' as message,
        1 as n,
    from (
        select source, file, line, unnest(invalid_values) as invalid
        from quality.row_fates
        -- (the few rows with one, before the unnest: eleven million rows have none)
        where row_status <> 'rejected' and len(invalid_values) > 0
    )
),

campaign_codes as (
    select campaign_code from core.campaigns
),

referenced_campaigns as (
    select 'prospects' as source, file, line, campaign_code from core.prospects
    union all
    select 'touches', files.file, touches.line, touches.campaign_code
    from core.touches as touches
    inner join core.touch_files as files using (file_order)
),

unknown_campaigns as (
    select
        'code_inconnu' as kind,
        referenced.source,
        first(referenced.file order by referenced.file, referenced.line) as file,
        first(referenced.line order by referenced.file, referenced.line) as line,
        'Code campagne' as "column",
        referenced.campaign_code as value,
        'campagne absente de l''export des campagnes (gardée) ; ligne = première occurrence'
            as message,
        count(*) as n,
    from referenced_campaigns as referenced
    anti join campaign_codes using (campaign_code)
    where referenced.campaign_code is not null
    group by all
),

unknown_ambassadors as (
    select
        'code_inconnu' as kind,
        'prospects' as source,
        first(prospects.file order by prospects.file_order, prospects.line) as file,
        first(prospects.line order by prospects.file_order, prospects.line) as line,
        'ID ambassadeur' as "column",
        prospects.ambassador_id as value,
        'ambassadeur absent de l''export des ambassadeurs (gardé) ; ligne = première occurrence'
            as message,
        count(*) as n,
    from core.prospects as prospects
    anti join core.ambassadors as ambassadors using (ambassador_id)
    where prospects.ambassador_id is not null
    group by all
),

unknown_touch_prospects as (
    select
        'code_inconnu' as kind,
        'touches' as source,
        first(file order by file, line) as file,
        first(line order by file, line) as line,
        'ID prospect' as "column",
        prospect_id as value,
        'prospect inconnu : le contact est rattaché par son email s''il en a un ; ligne = '
            || 'première occurrence' as message,
        count(*) as n,
    from core.touches
    inner join core.touch_files as files using (file_order)
    where prospect_id is not null and not is_known_prospect_id
    group by all
),

unknown_communes as (
    select
        'code_inconnu' as kind,
        'installations' as source,
        file,
        line,
        'Code commune' as "column",
        commune_code as value,
        'commune absente du référentiel des communes du Lot (installation gardée)' as message,
        1 as n,
    from core.installations
    where not is_known_commune
),

ignored_columns as (
    select
        'colonne_ignoree' as kind,
        source,
        file,
        1 as line,
        ignored as "column",
        null as value,
        -- (a second column for one of the contract's, « Origine » after « Canal »: « hors
        -- contrat » read as if the contract had no such column)
        case when list_contains(repeated_columns, ignored)
            then 'colonne en double : une colonne plus à gauche porte déjà ce nom ou l''un de '
                 || 'ses synonymes du contrat ; seule la première est lue, celle-ci est ignorée'
            else 'colonne hors contrat, ignorée'
        end as message,
        1 as n,
    from (select source, file, repeated_columns, unnest(ignored_columns) as ignored
          from raw.files)
),

-- an optional column of the contract that a file's header lacks: its values are missing on
-- every row (a campaigns export of « Code;Nom » has no channel, dates nor budget)
missing_columns as (
    select
        'colonne_absente' as kind,
        source,
        file,
        1 as line,
        missing as "column",
        null as value,
        'colonne facultative absente du fichier : valeur manquante sur toutes ses lignes'
            as message,
        1 as n,
    from (select source, file, unnest(missing_columns) as missing from raw.files)
),

merges as (
    select
        'fusion' as kind,
        'prospects' as source,
        file,
        line,
        -- the value is the merged file's number: it goes under its own column, not « Email »
        'ID prospect' as "column",
        merged_prospect_id as value,
        'même email que ' || kept_prospect_id || ' : fusionné dans ce foyer' as message,
        1 as n,
    from core.merges
),

skipped_files as (
    select
        'fichier_ignore' as kind,
        source,
        file,
        null as line,
        null as "column",
        null as value,
        reason as message,
        1 as n,
    from raw.skipped_files
),

-- objectives of targets.toml nothing will be compared with: a campaign's code no export and
-- no dossier knows (a slip, « TOUR-ETE-2O23 », was followed at 0 without a word on the
-- pages), a year far from every first contact (« 2204 »: read on no page). Kept: a campaign
-- may come in a later export, next year's objectives may be set before its data.
data_years as (
    select
        min(year(first_contact_date)) as first_year,
        max(year(first_contact_date)) as last_year,
    from core.households
),

unread_objectives as (
    select
        'objectif' as kind,
        'Objectifs' as source,
        getvariable('targets_file') as file,
        null as line,
        -- (the table where it is and, apart, what is wrong there: masked as one text, a code
        -- written as an email took the section with it, « [[email masqué]] »)
        if(far, '[targets]', '[targets.' || year_written || '.campaigns]') as "column",
        if(far, year_written, campaign_code) as value,
        if(far,
           'aucun premier contact cette année-là ('
               || case when first_year is null then 'ni aucune autre'
                       when first_year = last_year then 'ils sont tous de ' || first_year
                       else 'ils vont de ' || first_year || ' à ' || last_year end
               || ') : cet objectif ne sera comparé à rien (faute de frappe ?)',
           'cette campagne n''est ni dans l''export des campagnes ni citée par aucun dossier ; '
               || 'son objectif sera suivi à 0 (faute de frappe ?)') as message,
        count(*) as n,
    from (
        select
            objectives.*,
            years.*,
            lpad(objectives.year::varchar, 4, '0') as year_written,  -- (« 0001 », not « 1 »)
            objectives.year < years.first_year
                or objectives.year > greatest(years.last_year, year(current_date)) + 1
                as far,
        from ref.targets as objectives
        cross join data_years as years
    )
    left join (select campaign_code, true as known from core.campaigns
               union
               select campaign_code, true from core.households where campaign_code is not null)
        as known_codes using (campaign_code)
    where far or (campaign_code is not null and known_codes.known is null)
    group by all
),

-- what the reader noticed while reading a file: bytes its encoding cannot hold, other sheets
-- of a workbook holding data
read_notes as (
    select
        'lecture' as kind,
        source,
        file,
        line,
        "column",
        null as value,
        message,
        1 as n,
    from raw.load_warnings
),

final as (
    select * from unknown_channels
    union all by name select * from invalid_values
    union all by name select * from unknown_campaigns
    union all by name select * from unknown_ambassadors
    union all by name select * from unknown_touch_prospects
    union all by name select * from unknown_communes
    union all by name select * from ignored_columns
    union all by name select * from missing_columns
    union all by name select * from merges
    union all by name select * from skipped_files
    union all by name select * from read_notes
    union all by name select * from unread_objectives
)

-- every text here is shown and downloaded: whatever came from an export (a header, a file
-- name, a value quoted in a message) is masked once more, whichever warning it came by
select
    kind,
    source,
    pseudonymise(cast(file as varchar)) as file,
    cast(line as bigint) as line,
    mask_pii(cast("column" as varchar)) as "column",
    mask_pii(cast(value as varchar)) as value,
    mask_pii(message) as message,
    cast(n as bigint) as n,
from final
order by kind, source, file, line, value
