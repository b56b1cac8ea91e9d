-- Value rules of the contract (shared/spec/exports.md, « Values »), used by every staging model.
-- Each parser returns NULL for a value that is not valid, so staging can tell missing from invalid.

-- Surrounding white space (spaces, tabs, line breaks, no-break spaces) trimmed; empty is missing.
create or replace macro clean(s) as
    nullif(trim(s, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(8239)), '');

-- Labels and headers: lower case, no accents, runs of non letters/digits as one space.
create or replace macro norm_label(s) as
    trim(regexp_replace(lower(strip_accents(s)), '[^\pL\pN]+', ' ', 'g'));

-- YYYY-MM-DD (space or T before an optional time, optional fraction, Z or offset: the local
-- date and time are kept as written).
create or replace macro iso_parts(s) as regexp_extract(
    s,
    '^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$',
    ['y', 'm', 'd', 'hh', 'mi', 'ss']
);

-- DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, with an optional time HH:MM or HH:MM:SS.
create or replace macro dmy_parts(s) as regexp_extract(
    s,
    '^(\d{2})[/.-](\d{2})[/.-](\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$',
    ['d', 'm', 'y', 'hh', 'mi', 'ss']
);

create or replace macro ts_from_parts(p) as
    case when p.y <> '' then try_cast(
        p.y || '-' || p.m || '-' || p.d || ' '
        || coalesce(nullif(p.hh, ''), '00') || ':' || coalesce(nullif(p.mi, ''), '00') || ':'
        || coalesce(nullif(p.ss, ''), '00')
        as timestamp
    ) end;

-- A real calendar day and time, else NULL (31/02/2023 is invalid).
create or replace macro parse_ts(s) as
    coalesce(ts_from_parts(iso_parts(s)), ts_from_parts(dmy_parts(s)));

create or replace macro parse_date(s) as cast(parse_ts(s) as date);

-- Digits, optionally grouped by three with spaces.
create or replace macro parse_int(s) as
    case when regexp_full_match(s, '\d+|\d{1,3}(?:[ \x{00A0}\x{202F}]\d{3})+')
        then try_cast(regexp_replace(s, '[ \x{00A0}\x{202F}]', '', 'g') as bigint) end;

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

create or replace macro phone_key(s) as pii_hash(regexp_replace(s, '[^0-9+]', '', 'g'));

-- The first failing check of a row, as {column, reason, value}; NULL when the row is valid.
create or replace macro reject_if(failed, column_label, reason, value) as
    case when failed then
        {'column': cast(column_label as varchar), 'reason': reason, 'value': cast(value as varchar)}
    end;

-- An optional value that is present but invalid: it becomes missing and is reported.
create or replace macro invalid_if(failed, column_label, value) as
    case when failed then {'column': column_label, 'value': value} end;
