-- Rows refused at the last build (where and why), of one source and one file when given.
-- grain: one row per rejected row · filters: $source, $file
select rejects.source, rejects.file, rejects.line, rejects.column, rejects.value,
    rejects.reason,
from quality.rejects as rejects
inner join ref.sources as sources on rejects.source = sources.source
where ($source is null or rejects.source = $source)
  and ($file is null or rejects.file = $file)
order by sources.source_order, rejects.file_order, rejects.line
