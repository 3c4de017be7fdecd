-- ticket search: a full-text index over each request's subject, description
-- and the texts of its history (messages, notes, answers), one row per
-- request (rowid = number). Unicode-aware (Cyrillic folds case), kept in
-- step by triggers in the transactions that write requests and events.
CREATE VIRTUAL TABLE request_search USING fts5(subject, description, messages,
	tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO request_search (rowid, subject, description, messages)
	SELECT r.number, r.subject, r.description,
		coalesce((SELECT group_concat(e.text, char(10)) FROM events e WHERE e.number = r.number AND e.text <> ''), '')
	FROM requests r;

CREATE TRIGGER request_search_insert AFTER INSERT ON requests BEGIN
	INSERT INTO request_search (rowid, subject, description, messages) VALUES (new.number, new.subject, new.description, '');
END;

CREATE TRIGGER request_search_update AFTER UPDATE OF subject, description ON requests BEGIN
	UPDATE request_search SET subject = new.subject, description = new.description WHERE rowid = new.number;
END;

CREATE TRIGGER request_search_event AFTER INSERT ON events WHEN new.text <> '' BEGIN
	UPDATE request_search SET messages = messages || char(10) || new.text WHERE rowid = new.number;
END;
