-- The selection's households by département of origin (`99` = abroad): followed, installed
-- and their shares; every département of ref.departements (0 included) and any code outside
-- it. zone: metropole, outre-mer, etranger or inconnu.
-- grain: one row per département code · filters: period, channels, campaigns
with counts as (
    select
        origin_departement as code,
        count(*) as followed,
        count(*) filter (where is_installed) as installed,
    from selected_households($date_from, $date_to, $channels, $campaigns)
    group by all
),

joined as (
    select
        coalesce(departements.code, counts.code) as code,
        coalesce(
            departements.name,
            case when counts.code is null then 'Non renseigné'
                else 'Code inconnu ' || counts.code end
        ) as name,
        coalesce(departements.zone, 'inconnu') as zone,
        coalesce(counts.followed, 0) as followed,
        coalesce(counts.installed, 0) as installed,
    from ref.departements as departements
    full join counts on departements.code = counts.code
)

select
    *,
    rate(followed, sum(followed) over (), 'foyers suivis') as followed_share,
    rate(installed, sum(installed) over (), 'foyers installés') as installed_share,
from joined
order by followed desc, installed desc, code
