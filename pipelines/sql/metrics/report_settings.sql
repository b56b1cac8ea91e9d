-- The bilans' settings (pipelines/targets.toml, [report]): the small-count threshold and the
-- attribution model of the campaigns' cost per installation.
-- grain: one row · filters: none
select small_count, attribution_model, from ref.report_settings
