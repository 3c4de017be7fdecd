-- The policy a request keeps from its opening (auto-close days, who may
-- confirm, working hours, calendar version), as JSON; '' for requests
-- stored before policies were kept.
ALTER TABLE requests ADD COLUMN policy TEXT NOT NULL DEFAULT '';
