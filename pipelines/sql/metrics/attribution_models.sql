-- The attribution models in order, with their French label and colour.
-- grain: one row per model · filters: none
select model, model_order, label, colour, from ref.attribution_models order by model_order
