-- The funnel's headline figures of the selection (shared/spec/exports.md, `kpis --json`):
-- followed, accompanied, installed, people installed, and the rates between them.
-- grain: one row · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

counts as (
    select
        count(*) as followed,
        count(*) filter (where is_accompanied) as accompanied,
        count(*) filter (where is_installed) as installed,
        -- the earliest installation's people, else the household's size, else 1 (core)
        coalesce(sum(people_installed), 0)::bigint as people_installed,
    from households
),

final as (
    select
        *,
        rate(accompanied, followed, 'suivis') as accompanied_rate,
        rate(installed, followed, 'suivis') as installed_rate,
        rate(installed, accompanied, 'accompagnés') as installed_of_accompanied_rate,
    from counts
)

select * from final
