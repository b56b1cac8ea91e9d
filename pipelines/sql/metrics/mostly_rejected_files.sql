-- Export files most of whose rows were rejected, with their most frequent reason: a prospects
-- export re-saved with two-digit years lost 241 of its 407 rows under the usual « N lignes
-- rejetées » (its households gone from every figure). Said by the build and the overview.
-- grain: one row per file · filters: none
select
    files.file,
    files.read,
    files.rejected,
    (select mode(rejects.reason) from quality.rejects as rejects
     where rejects.file = files.file) as reason,
from quality.files as files
where files.read >= 10 and files.rejected * 2 > files.read
order by files.file
