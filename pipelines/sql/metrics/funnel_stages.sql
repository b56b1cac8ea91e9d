-- The funnel's stages in order, with their French labels (funnel step, current stage).
-- grain: one row per stage · filters: none
select stage, stage_order, label, current_label, colour, from ref.stages order by stage_order
