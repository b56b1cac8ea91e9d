-- Value rules of the contract (shared/spec/exports.md, « Values »), used by every staging model.
-- Each parser returns NULL for a value that is not valid, so staging can tell missing from invalid.

-- Empty is missing (load.py has already trimmed surrounding white space, no-break spaces
-- included, which is much cheaper there than a trim per column here).
create or replace macro clean(s) as nullif(s, '');

-- Labels and headers: lower case, no accents, runs of non letters/digits as one space.
create or replace macro norm_label(s) as
    trim(regexp_replace(lower(strip_accents(s)), '[^\pL\pN]+', ' ', 'g'));

-- The shapes of the contract: YYYY-MM-DD (then a space or T, a time, an optional fraction and
-- Z or an offset, which keeps the local date and time as written), or DD/MM/YYYY, DD-MM-YYYY,
-- DD.MM.YYYY, each with an optional time HH:MM or HH:MM:SS. One regex checks the shape; then
-- strptime checks the calendar (31/02/2023 is invalid) and the clock.
create or replace macro ts_shape(s) as regexp_full_match(
    s,
    '\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?'
    || '|(?:\d{2}/\d{2}/\d{4}|\d{2}-\d{2}-\d{4}|\d{2}\.\d{2}\.\d{4})(?:[T ]\d{2}:\d{2}(?::\d{2})?)?'
);

-- The written local date and time of a value of the right shape, as `YYYY-MM-DD HH:MM[:SS]`
-- (substrings, much cheaper than regexes or a list of strptime formats); fraction and zone
-- are dropped, so an offset keeps its local date.
create or replace macro ts_canonical(s) as
    case when substr(s, 5, 1) = '-' then substr(s, 1, 10)
        else substr(s, 7, 4) || '-' || substr(s, 4, 2) || '-' || substr(s, 1, 2) end
    || case
        when length(s) <= 10 then ''
        when substr(s, 17, 1) = ':' then ' ' || substr(s, 12, 8)
        else ' ' || substr(s, 12, 5)
    end;

-- A real calendar day and time, else NULL (31/02/2023 and 25:00 are invalid).
create or replace macro parse_ts(s) as
    case when ts_shape(s) then try_cast(ts_canonical(s) as timestamp) end;

create or replace macro parse_date(s) as cast(parse_ts(s) as date);

-- Why a required date is invalid, in plain words: a bare number of five digits (45366) is what
-- a spreadsheet shows of a date typed in a cell formatted as a number; « date invalide » alone
-- left the officer puzzled (what to do is the quality page's « Attendu »: dashboard/quality.py).
-- A year of two digits (14/03/23) is what LibreOffice in French writes back by default: a
-- re-saved export lost every row of it as « date invalide » alone.
create or replace macro date_reason(s) as
    case when regexp_full_match(s, '[0-9]{5}(?:[.,][0-9]+)?')
        then 'date invalide : un nombre, pas une date'
        -- (a real day once its year has four digits: not 31/02/23, 03/14/23 nor a phone
        -- number 06-12-34 56 78, which a four-digit year would not mend)
        when try_strptime(trim(s), [
            '%d/%m/%y', '%d-%m-%y', '%d.%m.%y', '%d/%m/%y %H:%M', '%d-%m-%y %H:%M',
            '%d.%m.%y %H:%M', '%d/%m/%y %H:%M:%S', '%d-%m-%y %H:%M:%S',
            '%d.%m.%y %H:%M:%S']) is not null
        then 'date invalide : année sur deux chiffres'
        else 'date invalide' end;

-- French or English notation, optional € sign, thousands grouped by (no-break) spaces.
create or replace macro amount_parts(s) as regexp_extract(
    s,
    '^(?:€[ \x{00A0}\x{202F}]*)?(\d+|\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+)(?:[.,](\d+))?[ \x{00A0}\x{202F}]*(?:€|EUR|euros?)?$',
    ['units', 'cents']
);

create or replace macro parse_amount(s) as
    case when amount_parts(s).units <> '' then try_cast(
        regexp_replace(amount_parts(s).units, '[ \x{00A0}\x{202F}]', '', 'g')
        || '.' || coalesce(nullif(amount_parts(s).cents, ''), '0')
        as decimal(18, 2)
    ) end;

create or replace macro parse_yes_no(s) as
    case
        when lower(s) in ('oui', 'o', 'yes', 'y', 'vrai', 'true', '1', 'x') then true
        when lower(s) in ('non', 'n', 'no', 'faux', 'false', '0') then false
    end;

-- Emails compare after trimming and lower-casing; they and phones are kept only as keyed hashes.
create or replace macro pii_hash(s) as
    case when s is not null then left(sha256(getvariable('hash_key') || '|' || s), 24) end;

create or replace macro email_key(s) as pii_hash(lower(s));

-- A placeholder without a digit (`-`, `n/a`) is no phone: missing, not the hash of nothing.
create or replace macro phone_key(s) as
    pii_hash(nullif(regexp_replace(s, '[^0-9+]', '', 'g'), ''));

-- An address (contract, « Values » → Email): exactly one @, something before it, a dot after
-- it. Anything else (`-`, `n/a`, `non communiqué`, `inconnu@`) is missing: CRM exports use such
-- placeholders, and merging on them would fuse unrelated families.
create or replace macro is_email(s) as
    length(s) - length(replace(s, '@', '')) = 1
    and not starts_with(s, '@')
    and contains(split_part(s, '@', 2), '.');

-- Personal data typed where it does not belong (an email in « Canal », a phone in a date):
-- masked in every text that is published. The patterns are pipelines/pii.py's, bound as
-- variables by pii.sql_setup(con) as the hash key is. The cheap test first (an @ or 9 digits)
-- keeps the regexes off almost every value: touches run to millions of rows. Should the
-- patterns be unbound, a candidate value becomes NULL (hidden), never kept in clear.
create or replace macro mask_pii(s) as
    -- (a value without an @ or its other forms and shorter than 8 bytes holds neither: no
    -- regex runs on it, which is most identifiers; 8, for `a[at]b.fr`; a phone has 9 digits;
    -- bytes, not characters: strlen does not decode)
    case when (strlen(s) >= 8 or contains(s, '@') or contains(s, '＠') or contains(s, '﹫')
               or contains(s, '%40'))
              and regexp_matches(s, getvariable('pii_candidate_pattern')) is not false then
        regexp_replace(
            regexp_replace(s, getvariable('pii_email_pattern'),
                           getvariable('pii_email_replacement'), 'g'),
            getvariable('pii_phone_pattern'), getvariable('pii_phone_replacement'), 'g'
        )
    else s end;

-- Direction overrides and isolates dropped from a text that is shown (pipelines/pii.py's
-- DIRECTION_CONTROLS, bound as a variable): « Newsletter \u202eevil 2023 tpircs\u202c » read
-- « … script 3202 live » on screen and in downloads. Only non-ASCII values are looked at.
create or replace macro no_bidi(s) as
    case when strlen(s) <> length(s)
              and regexp_matches(s, getvariable('direction_controls')) then
        nullif(regexp_replace(s, getvariable('direction_controls'), '', 'g'), '')
    else s end;

-- A text of the exports as it may be shown: missing when empty, no direction override, an
-- email or phone typed in it masked.
create or replace macro shown_text(s) as mask_pii(no_bidi(clean(s)));

-- Digits, optionally grouped by three with spaces; at most eight of them. Nine or more are a
-- phone number typed in a count (`0698765432` in « Nb personnes » made a household of
-- 698 765 432 people, published in clear) or a slip that would overflow the sums (a count of
-- 9 223 372 036 854 775 807 published a database the pages could not read): invalid, and
-- reported masked like every invalid value.
create or replace macro parse_int(s) as
    case when regexp_full_match(
        s, '\d{1,8}|\d{1,3}[ \x{00A0}\x{202F}]\d{3}|\d{1,2}[ \x{00A0}\x{202F}]\d{3}[ \x{00A0}\x{202F}]\d{3}')
        then cast(regexp_replace(s, '[ \x{00A0}\x{202F}]', '', 'g') as bigint) end;

-- An identifier (ID prospect, Code campagne, a file name…) that holds an email or a phone: a
-- stable pseudonym instead, so that equal IDs stay equal and different ones different. Its hex
-- digits are spelt as letters: a run of them would look like a phone number. Its prefix is
-- pipelines/pii.py's PSEUDONYM_PREFIX (bound as a variable: unbound, the value is hidden).
create or replace macro pseudonymise(s) as
    case when mask_pii(s) is distinct from s
        then getvariable('pseudonym_prefix')
             || translate(left(pii_hash(s), 12), '0123456789', 'ghijklmnop')
        else s end;

-- The first failing check of a row, as {column, reason, value}; NULL when the row is valid.
-- The value is shown on the quality page: a query masks the one it keeps (masked_reject), not
-- each check's: every call of mask_pii binds its three patterns again, and twenty-seven checks
-- made binding the staging queries a third of a small build.
create or replace macro reject_if(failed, column_label, reason, value) as
    case when failed then
        {'column': cast(column_label as varchar), 'reason': reason,
         'value': cast(value as varchar)}
    end;

-- A row's reject (a column, not an expression: a macro copies its argument where it is used)
-- with its value masked.
create or replace macro masked_reject(r) as
    case when r is not null then
        {'column': r."column", 'reason': r.reason, 'value': mask_pii(r.value)}
    end;

-- What the quality page may show of an « Email » that is no address: every such value is
-- somebody's, whatever its shape (`jean.dupont gmail.com`, `jean.dupont@`, `Jean Dupont`,
-- `prenom.nom at gmail dot com`), so it is masked whole; only a placeholder of three
-- characters at most or without a letter or digit (`-`, `n/a`, `?`) is shown as typed.
create or replace macro email_shown(s) as
    case when length(s) <= 3 or not regexp_matches(s, '[\pL\pN]') then s
        else getvariable('pii_email_replacement') end;

-- An optional value that is present but invalid: it becomes missing and is reported, masked.
-- (Masked here, not once per row as rejects are: a lambda over each row's list of invalid
-- values cost 4 CPU-s at ten million touches, most of them with none.)
create or replace macro invalid_if(failed, column_label, value) as
    case when failed then {'column': column_label, 'value': mask_pii(value)} end;
