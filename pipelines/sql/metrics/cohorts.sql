-- Each quarter's new households (a cohort by first contact): installed within 3, 6 and 12
-- months of their first contact (NULL while the whole cohort has not had that long at the
-- data date) and to date, with the rate to date and whether the cohort is complete.
-- grain: one row per quarter of first contact · filters: period, channels, campaigns
with households as (
    select * from selected_households($date_from, $date_to, $channels, $campaigns)
),

data_date as (
    select data_date from marts.data_date
),

counts as (
    select
        households.first_contact_quarter as quarter,
        (households.first_contact_quarter + to_months(3) - to_days(1))::date as quarter_end,
        any_value(data_date.data_date) as data_date,
        count(*) as followed,
        count(*) filter (where households.installation_date
            <= households.first_contact_date + to_months(3)) as within_3,
        count(*) filter (where households.installation_date
            <= households.first_contact_date + to_months(6)) as within_6,
        count(*) filter (where households.installation_date
            <= households.first_contact_date + to_months(12)) as within_12,
        count(*) filter (where households.is_installed) as installed,
    from households
    cross join data_date
    group by households.first_contact_quarter
),

final as (
    select
        quarter,
        followed,
        case when quarter_end + to_months(3) <= data_date then within_3 end as within_3,
        case when quarter_end + to_months(6) <= data_date then within_6 end as within_6,
        case when quarter_end + to_months(12) <= data_date then within_12 end as within_12,
        installed,
        rate(case when quarter_end + to_months(3) <= data_date then within_3 end, followed,
             'nouveaux foyers') as within_3_rate,
        rate(case when quarter_end + to_months(6) <= data_date then within_6 end, followed,
             'nouveaux foyers') as within_6_rate,
        rate(case when quarter_end + to_months(12) <= data_date then within_12 end, followed,
             'nouveaux foyers') as within_12_rate,
        rate(installed, followed, 'nouveaux foyers') as installed_rate,
        cohort_is_complete(quarter_end, data_date) as is_complete,
    from counts
)

select * from final
order by quarter
