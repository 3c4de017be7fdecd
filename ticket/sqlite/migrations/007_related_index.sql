-- ticket show lists the requests that arose from a request (A6): found by
-- their related column.
CREATE INDEX IF NOT EXISTS requests_related ON requests (related) WHERE related <> '';
