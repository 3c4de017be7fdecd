-- Attachment content in pieces of 1 MiB, as raw messages are kept: SQLite
-- copies every bound BLOB and again while it builds the row, so one 25 MB
-- file written whole took over 50 MB of C heap on top of the Go heap.
CREATE TABLE attachment_pieces (
    number INTEGER NOT NULL,
    name   TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (number, name, seq),
    FOREIGN KEY (number, name) REFERENCES attachments(number, name)
);

-- Every existing file moves into pieces (an empty one has none); the sizes
-- and SHA-256 sums stay as they were recorded.
WITH RECURSIVE piece(number, name, seq, len) AS (
    SELECT number, name, 0, length(content) FROM attachments WHERE length(content) > 0
    UNION ALL
    SELECT number, name, seq + 1, len FROM piece WHERE (seq + 1) * 1048576 < len
)
INSERT INTO attachment_pieces (number, name, seq, data)
SELECT p.number, p.name, p.seq, substr(a.content, p.seq * 1048576 + 1, 1048576)
  FROM piece p JOIN attachments a ON a.number = p.number AND a.name = p.name;

ALTER TABLE attachments DROP COLUMN content;
