-- one row per campaign-contacts export file (grain: file_order): its name as published (one
-- holding an email or phone is pseudonymised). The touches' per-row tables keep the file's
-- position only, ten million rows at scale; the few readers that show a file join its name
select file_order, pseudonymise(file) as file from raw.files where source = 'touches'
