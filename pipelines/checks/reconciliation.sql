-- every file: rows read (counted while reading the file) = accepted + rejected + duplicates,
-- and every row read has exactly one fate; prospects: followed = accepted - merged
select source, file, "read", accepted, rejected, duplicates, rows_counted
from quality.files
where "read" <> accepted + rejected + duplicates or "read" <> rows_counted
union all
select 'prospects', 'followed = accepted - merged', (select count(*) from core.households),
    accepted, merged, null, null
from quality.sources
where source = 'prospects' and (select count(*) from core.households) <> accepted - merged
