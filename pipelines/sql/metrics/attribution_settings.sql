-- The attribution settings the build credited with (OMLOT_LOOKBACK_DAYS, OMLOT_HALF_LIFE_DAYS
-- when it ran): the window before a conversion, in days, and the time-decay model's half-life.
-- grain: one row · filters: none
select lookback_days, half_life_days, from ref.attribution_settings
