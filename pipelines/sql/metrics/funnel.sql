-- The funnel of the selection: each stage (ref.stages) with its households, its rate from the
-- stage before and from the households followed, each with its base.
-- grain: one row per stage · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

counts as (
    select
        count(*) as followed,
        count(*) filter (where is_accompanied) as accompanied,
        count(*) filter (where is_installed) as installed,
    from households
),

steps as (
    select stages.stage, stages.stage_order, stages.label,
        case stages.stage
            when 'suivi' then counts.followed
            when 'accompagné' then counts.accompanied
            when 'installé' then counts.installed
        end as households,
        counts.followed,
    from ref.stages as stages
    cross join counts
),

final as (
    select
        stage,
        stage_order,
        households,
        rate(households, lag(households) over (order by stage_order),
             lower(lag(label) over (order by stage_order))) as rate_of_previous,
        rate(households, followed, 'suivis') as rate_of_followed,
    from steps
)

select * from final
order by stage_order
