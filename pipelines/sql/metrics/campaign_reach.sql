-- Persons reached and interactions of a set of campaigns ($codes: one operation), by phase
-- ($phase: 'campaign', or the touch's 'month', 'quarter' or 'year') and type of interaction,
-- with the totals of each phase, of each type and of the whole (NULL phase and/or type, and
-- is_all_* saying so). Persons are distinct (a household or an email, never an anonymous
-- touch): one reached in two phases counts once in the total, so totals are not sums.
-- grain: one row per (phase, type), phase, type and one for the whole · filters: period (touch
-- date); $codes, $phase
with touches as (
    select
        case when $phase = 'campaign' then campaign_code
            else strftime(date_trunc(
                case when $phase = 'campaign' then 'month' else $phase end, touch_date),
                '%Y-%m-%d')
        end as phase,
        coalesce(interaction_type, 'Non précisé') as interaction_type,
        touch_date,
        person_key,
    from selected_touches($date_from, $date_to, null, $codes)
)

select
    phase,
    interaction_type,
    grouping(phase) = 1 as is_all_phases,
    grouping(interaction_type) = 1 as is_all_types,
    count(distinct person_key) as persons,
    count(*) as interactions,
    min(touch_date) as first_touch_date,
    max(touch_date) as last_touch_date,
from touches
group by grouping sets ((phase, interaction_type), (phase), (interaction_type), ())
order by is_all_phases, first_touch_date, phase, is_all_types, interactions desc,
    interaction_type
