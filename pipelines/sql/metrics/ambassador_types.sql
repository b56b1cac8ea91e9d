-- The ambassador types of the contract in order, with their colour.
-- grain: one row per type · filters: none
select ambassador_type, type_order, colour, from ref.ambassador_types order by type_order
