-- Ambassadors who joined by the end of the period, and the active ones, by type: the types
-- of ref.ambassador_types first (even at 0), then any other value of the export.
-- grain: one row per type · filters: period (end only)
with network as (
    select * from selected_ambassadors($date_to)
),

types as (
    select ambassador_type, type_order from ref.ambassador_types
    union
    select ambassador_type, 1e9 from network
    where ambassador_type not in (select ambassador_type from ref.ambassador_types)
)

select
    types.ambassador_type,
    count(network.ambassador_id) as ambassadors,
    count(network.ambassador_id) filter (where network.is_active) as active,
    rate(count(network.ambassador_id) filter (where network.is_active),
         count(network.ambassador_id), 'ambassadeurs du type') as active_rate,
from types
left join network on network.ambassador_type = types.ambassador_type
group by types.ambassador_type, types.type_order
order by types.type_order, types.ambassador_type
