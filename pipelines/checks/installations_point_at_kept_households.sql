-- every accepted installation belongs to a household that is kept (never to a merged ID)
select installations.installation_id, installations.household_id
from core.installations as installations
anti join core.households as households using (household_id)
