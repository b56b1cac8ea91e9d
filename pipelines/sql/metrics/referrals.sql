-- The selection's households referred by an ambassador against the others: followed,
-- accompanied, installed with their rates, median days to install (both groups, even at 0).
-- grain: one row per group (referred first) · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

groups as (
    select * from (values (1, true), (2, false)) as groups(group_order, is_referred)
),

counts as (
    select
        groups.group_order,
        groups.is_referred,
        count(households.household_id) as followed,
        count(households.household_id) filter (where households.is_accompanied)
            as accompanied,
        count(households.household_id) filter (where households.is_installed) as installed,
        median(households.days_to_install) as median_days_to_install,
    from groups
    left join households on households.is_referred = groups.is_referred
    group by groups.group_order, groups.is_referred
)

select
    is_referred,
    followed,
    accompanied,
    installed,
    rate(accompanied, followed, 'suivis') as accompanied_rate,
    rate(installed, followed, 'suivis') as installed_rate,
    rate(followed, sum(followed) over (), 'foyers suivis') as share_of_followed,
    median_days_to_install,
from counts
order by group_order
