-- New households followed by month of first contact, and installations of the selection's
-- households by month of installation.
-- grain: one row per measure (followed, installed) and month · filters: period, channels,
-- campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

followed as (
    select 'followed' as measure, first_contact_month as month, count(*) as households,
    from households
    group by all
),

installed as (
    select 'installed' as measure, installation_month as month, count(*) as households,
    from households
    where is_installed
    group by all
)

select * from followed
union all
select * from installed
order by month, measure
