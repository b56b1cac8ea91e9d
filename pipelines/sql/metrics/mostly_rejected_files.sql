-- Export files most of whose rows were rejected, with their most frequent reason: a prospects
-- export re-saved with two-digit years lost 241 of its 407 rows under the usual « N lignes
-- rejetées » (its households gone from every figure). Said by the build and the overview.
-- A reason is counted without the line it names (« guillemet ouvert … (ligne 12 du
-- fichier) » is one reason, not one per line); a tie goes to the first in French order.
-- grain: one row per file · filters: none
with reasons as (
    select file, regexp_replace(reason, '\s*\(ligne [0-9][^)]*\)', '', 'g') as reason,
        count(*) as n,
    from quality.rejects
    group by all
),

main_reason as (
    select file, first(reason order by n desc, reason) as reason,
    from reasons
    group by file
)

select files.file, files.read, files.rejected, main_reason.reason,
from quality.files as files
left join main_reason using (file)
where files.read >= 10 and files.rejected * 2 > files.read
order by files.file
