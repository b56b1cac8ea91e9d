-- The data date (latest date of the exports, never after the build): « today » for every
-- duration and cohort horizon.
-- grain: one row · filters: none
select data_date from marts.data_date
