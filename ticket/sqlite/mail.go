package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sustain-cli/sustain/internal/lazyre"
	"github.com/sustain-cli/sustain/internal/problem"
	"github.com/sustain-cli/sustain/ticket"
)

var _ ticket.MailStore = (*Store)(nil)

// claimLease is how long a sender holds a claimed notice; a sender killed
// mid-send leaves it to the next run after this.
const claimLease = 5 * time.Minute

const inboundColumns = `id, received_at, source, sha256, size, message_id, sender, subject, decision, request,
	as_kind, reason, handled_at, handled_by, kept_by, kept_at`

func scanInbound(row scanner) (*ticket.Inbound, error) {
	var in ticket.Inbound
	var received int64
	var handled, kept sql.NullInt64
	if err := row.Scan(&in.ID, &received, &in.Source, &in.SHA256, &in.Size, &in.MessageID, &in.From, &in.Subject,
		&in.Decision, &in.Request, &in.As, &in.Reason, &handled, &in.HandledBy, &in.KeptBy, &kept); err != nil {
		return nil, err
	}
	in.ReceivedAt, in.HandledAt = fromDBTime(received), fromNullDBTime(handled)
	if kept.Valid {
		in.KeptAt = fromDBTime(kept.Int64)
	}
	in.Was = in.Decision
	return &in, nil
}

func errNoInbound(id int64) error {
	return problem.New(problem.NotFound, "see the intake log with: sustain mail log", "no message %d in the intake log", id)
}

// ReceiveRaw keeps the bytes first, in their own transaction: whatever
// happens next, the message is in the store. They are read from r and
// written in pieces of at most rawChunk, hashed on the way, so the message is never
// whole in memory here and SQLite copies one piece at a time. The caller
// gives a reader that does not stall (the bytes already received): the
// store's write lock is held while it is read.
func (s *Store) ReceiveRaw(ctx context.Context, r io.Reader, source string, at time.Time) (*ticket.Inbound, error) {
	in := &ticket.Inbound{ReceivedAt: at, Source: source, KeptBy: ticket.ThisProcess(), KeptAt: time.Now()}
	// The buffer grows to rawChunk only for a message that needs it: most
	// are a few kilobytes, and a Maildir run takes thousands of them.
	buf := make([]byte, 64<<10)
	read := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if read {
			// A retry after the first attempt consumed r: the bytes are
			// gone, so the caller must keep the message and try again.
			return problem.New(problem.TempFail, "try again", "the store %s was busy while the message was written", s.path)
		}
		read = true
		if err := tx.QueryRowContext(ctx, `INSERT INTO inbound (received_at, source, sha256, size, kept_by, kept_at)
			VALUES (?, ?, '', 0, ?, ?) RETURNING id`, dbTime(at), source, in.KeptBy, dbTime(in.KeptAt)).Scan(&in.ID); err != nil {
			return err
		}
		h := sha256.New()
		for seq := 0; ; seq++ {
			n, rerr := io.ReadFull(r, buf)
			if n > 0 {
				h.Write(buf[:n])
				in.Size += int64(n)
				if _, err := tx.ExecContext(ctx, "INSERT INTO inbound_raw (inbound, seq, data) VALUES (?, ?, ?)", in.ID, seq, buf[:n]); err != nil {
					return err
				}
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				break
			}
			if rerr != nil {
				return fmt.Errorf("read the message: %w", rerr)
			}
			if len(buf) < rawChunk {
				buf = make([]byte, min(2*len(buf), rawChunk))
			}
		}
		in.SHA256 = hex.EncodeToString(h.Sum(nil))
		_, err := tx.ExecContext(ctx, "UPDATE inbound SET sha256 = ?, size = ? WHERE id = ?", in.SHA256, in.Size, in.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// RawReader reads a kept message's bytes one piece, one short query at a
// time: a large message is never whole in memory, and no read stays open
// (the store has one connection) across the writes of its decision. Fewer
// or more bytes than size is damage, reported by Read.
func (s *Store) RawReader(ctx context.Context, id, size int64) io.Reader {
	return &rawReader{ctx: ctx, s: s, id: id, size: size}
}

type rawReader struct {
	ctx      context.Context
	s        *Store
	id, size int64
	seq      int
	read     int64
	piece    []byte
	err      error
}

func (r *rawReader) Read(p []byte) (int, error) {
	for len(r.piece) == 0 && r.err == nil {
		var piece []byte
		err := r.s.db.QueryRowContext(r.ctx, "SELECT data FROM inbound_raw WHERE inbound = ? AND seq = ?", r.id, r.seq).Scan(&piece)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			r.err = io.EOF
			if r.read != r.size {
				r.err = fmt.Errorf("message %d is damaged in the store: %d bytes kept, %d received", r.id, r.read, r.size)
			}
		case err != nil:
			r.err = fail(r.s.path, err)
		default:
			r.seq++
			r.read += int64(len(piece))
			r.piece = piece
		}
	}
	if len(r.piece) == 0 {
		return 0, r.err
	}
	n := copy(p, r.piece)
	r.piece = r.piece[n:]
	return n, nil
}

// PendingInbound lists messages kept but not decided, oldest first.
func (s *Store) PendingInbound(ctx context.Context) ([]*ticket.Inbound, error) {
	return s.inbounds(ctx, "SELECT "+inboundColumns+" FROM inbound WHERE decision = '' ORDER BY id")
}

func (s *Store) inbounds(ctx context.Context, query string, args ...any) ([]*ticket.Inbound, error) {
	return queryAll(ctx, s.db, scanInbound, query, args...)
}

// rawChunk is the size of the pieces a raw message is kept in.
const rawChunk = 1 << 20

// Inbound returns a record without its bytes.
func (s *Store) Inbound(ctx context.Context, id int64) (*ticket.Inbound, error) {
	in, err := scanInbound(s.db.QueryRowContext(ctx, "SELECT "+inboundColumns+" FROM inbound WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoInbound(id)
	}
	return in, err
}

// InboundMessage returns a record and its raw bytes.
func (s *Store) InboundMessage(ctx context.Context, id int64) (*ticket.Inbound, []byte, error) {
	in, err := scanInbound(s.db.QueryRowContext(ctx, "SELECT "+inboundColumns+" FROM inbound WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNoInbound(id)
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT data FROM inbound_raw WHERE inbound = ? ORDER BY seq", id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	raw := make([]byte, 0, in.Size)
	for rows.Next() {
		var piece sql.RawBytes
		if err := rows.Scan(&piece); err != nil {
			return nil, nil, err
		}
		raw = append(raw, piece...)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if int64(len(raw)) != in.Size {
		return nil, nil, fmt.Errorf("message %d is damaged in the store: %d bytes kept, %d received", id, len(raw), in.Size)
	}
	return in, raw, nil
}

// InboundList lists the intake log, newest first.
func (s *Store) InboundList(ctx context.Context, decision string, limit int) ([]*ticket.Inbound, error) {
	q := "SELECT " + inboundColumns + " FROM inbound"
	var args []any
	if decision != "" {
		q += " WHERE decision = ?"
		args = append(args, decision)
	}
	q += " ORDER BY id DESC"
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	return s.inbounds(ctx, q, args...)
}

// Decide records a decision that changes no request, with its notices.
func (s *Store) Decide(ctx context.Context, in *ticket.Inbound, notices []ticket.Notice) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := recordInbound(ctx, tx, in); err != nil {
			return err
		}
		return queueNotices(ctx, tx, notices)
	})
}

func recordInbound(ctx context.Context, tx *sql.Tx, in *ticket.Inbound) error {
	if in.Decision == ticket.DecisionOpened || in.Decision == ticket.DecisionAppended {
		// Checked inside the write transaction, so two runs taking in two
		// deliveries of one message at once cannot both act on it: the
		// same bytes, or the same Message-ID from the same sender, as for
		// the intake's own duplicate check.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inbound WHERE id <> ? AND decision IN ('opened', 'appended')
			AND (sha256 = ? OR (message_id = ? AND message_id <> '' AND sender = ?))`,
			in.ID, in.SHA256, in.MessageID, in.From).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ticket.ErrHandledElsewhere
		}
	}
	// Written only while the record is as it was read: a run that resumed
	// a message another live run was deciding loses here, not with a
	// second request.
	res, err := tx.ExecContext(ctx, `UPDATE inbound SET message_id = ?, sender = ?, subject = ?, decision = ?, request = ?,
		as_kind = ?, reason = ?, handled_at = ?, handled_by = ? WHERE id = ? AND decision = ?`,
		in.MessageID, in.From, in.Subject, in.Decision, in.Request, in.As, in.Reason, nullDBTime(in.HandledAt), in.HandledBy,
		in.ID, in.Was)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM inbound WHERE id = ?", in.ID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return errNoInbound(in.ID)
		}
		return ticket.ErrHandledElsewhere
	}
	if in.Request != "" && in.MessageID != "" && in.Decision != ticket.DecisionDuplicate && !ourForm(in.MessageID) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO message_ids (message_id, request, direction) VALUES (?, ?, 'in')
			ON CONFLICT (message_id) DO NOTHING`, in.MessageID, in.Request); err != nil {
			return err
		}
	}
	return nil
}

// ourIDForm is the form of our notices' Message-IDs (sup-12.3@domain,
// refusal-7@domain). A customer's message claiming one is never indexed,
// so no one can take over the thread of another customer's notice.
var ourIDForm = lazyre.New(`^(?i:[a-z][a-z0-9_]*-[0-9]+\.[0-9]+|refusal-[0-9]+)@`)

func ourForm(messageID string) bool { return ourIDForm.MatchString(messageID) }

func queueNotices(ctx context.Context, tx *sql.Tx, notices []ticket.Notice) error {
	for i := range notices {
		n := &notices[i]
		if n.Status == "" {
			n.Status = ticket.NoticeQueued
		}
		to, _ := json.Marshal(nonNil(n.To))
		if err := tx.QueryRowContext(ctx, `INSERT INTO outbox (request, kind, recipients, subject, message_id, raw, queued_at,
			status, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id`,
			n.Request, n.Kind, string(to), n.Subject, n.MessageID, n.Raw, dbTime(n.QueuedAt), n.Status,
			nullDBTime(n.NextAttemptAt)).Scan(&n.ID); err != nil {
			return fmt.Errorf("queue the %s notice: %w", n.Kind, err)
		}
		if n.Request != "" {
			// Our own notice's ID always threads to its request.
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_ids (message_id, request, direction) VALUES (?, ?, 'out')
				ON CONFLICT (message_id) DO UPDATE SET request = excluded.request, direction = 'out'`, n.MessageID, n.Request); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyMail writes an event's mail effects inside the event's transaction.
func applyMail(ctx context.Context, tx *sql.Tx, r *ticket.Request, ev ticket.Event) error {
	m := ev.Mail
	if m == nil {
		return nil
	}
	// The notices are made before the decision is written: a notifier
	// that leaves a notice out says why in the decision's reason.
	var notices []ticket.Notice
	if m.Notify != nil {
		var err error
		if notices, err = m.Notify(r, ev); err != nil {
			return err
		}
	}
	if m.Inbound != nil {
		m.Inbound.Request = r.ID
		if err := recordInbound(ctx, tx, m.Inbound); err != nil {
			return err
		}
	}
	if len(m.Files) > 0 {
		names, err := attachmentNames(ctx, tx, r.Number)
		if err != nil {
			return err
		}
		for _, f := range m.Files {
			if err := attachFile(ctx, tx, r, names, f, ev.At); err != nil {
				return err
			}
		}
	}
	return queueNotices(ctx, tx, notices)
}

// FindMessageID finds a decided inbound message with this Message-ID from
// this sender.
func (s *Store) FindMessageID(ctx context.Context, messageID, from string) (*ticket.Inbound, error) {
	if messageID == "" {
		return nil, nil
	}
	in, err := scanInbound(s.db.QueryRowContext(ctx, "SELECT "+inboundColumns+` FROM inbound WHERE message_id = ?
		AND sender = ? AND decision NOT IN ('', 'duplicate') ORDER BY id LIMIT 1`, messageID, from))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return in, err
}

// FindSHA256 finds a decided inbound message with these exact bytes.
func (s *Store) FindSHA256(ctx context.Context, sum string) (*ticket.Inbound, error) {
	return s.findInbound(ctx, "sha256", sum)
}

func (s *Store) findInbound(ctx context.Context, column, value string) (*ticket.Inbound, error) {
	// column is ours, never the caller's.
	if value == "" {
		return nil, nil
	}
	in, err := scanInbound(s.db.QueryRowContext(ctx, "SELECT "+inboundColumns+" FROM inbound WHERE "+column+
		" = ? AND decision NOT IN ('', 'duplicate') ORDER BY id LIMIT 1", value))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return in, err
}

// ThreadOf returns the request of the most recent of ids we know.
func (s *Store) ThreadOf(ctx context.Context, ids []string) (string, error) {
	for i := len(ids) - 1; i >= 0; i-- {
		var req string
		err := s.db.QueryRowContext(ctx, "SELECT request FROM message_ids WHERE message_id = ?", ids[i]).Scan(&req)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return "", err
		}
		return req, nil
	}
	return "", nil
}

// LastInbound is the Message-ID of the customer's last message on request.
func (s *Store) LastInbound(ctx context.Context, request string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT message_id FROM inbound WHERE request = ? AND message_id <> ''
		AND decision IN ('opened', 'appended') ORDER BY id DESC LIMIT 1`, request).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// RequestMail lists a request's messages in and out, oldest first.
func (s *Store) RequestMail(ctx context.Context, request string) ([]*ticket.Inbound, []*ticket.Notice, error) {
	ins, err := s.inbounds(ctx, "SELECT "+inboundColumns+" FROM inbound WHERE request = ? AND decision IN ('opened', 'appended') ORDER BY id", request)
	if err != nil {
		return nil, nil, err
	}
	outs, err := s.notices(ctx, "WHERE request = ? ORDER BY id", request)
	return ins, outs, err
}

const noticeColumns = `id, request, kind, recipients, subject, message_id, queued_at, status, attempts, next_attempt_at,
	sent_at, server_reply, error`

func scanNotice(row scanner, withRaw bool) (*ticket.Notice, error) {
	var n ticket.Notice
	var to string
	var queued int64
	var next, sent sql.NullInt64
	dest := []any{&n.ID, &n.Request, &n.Kind, &to, &n.Subject, &n.MessageID, &queued, &n.Status, &n.Attempts, &next,
		&sent, &n.ServerReply, &n.Error}
	if withRaw {
		dest = append(dest, &n.Raw)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(to), &n.To); err != nil {
		return nil, err
	}
	n.QueuedAt, n.NextAttemptAt, n.SentAt = fromDBTime(queued), fromNullDBTime(next), fromNullDBTime(sent)
	return &n, nil
}

func (s *Store) notices(ctx context.Context, where string, args ...any) ([]*ticket.Notice, error) {
	withoutRaw := func(row scanner) (*ticket.Notice, error) { return scanNotice(row, false) }
	return queryAll(ctx, s.db, withoutRaw, "SELECT "+noticeColumns+" FROM outbox "+where, args...)
}

// ClaimNotices takes up to n due notices under a lease, in one IMMEDIATE
// transaction, so two senders (two processes) never take the same one.
func (s *Store) ClaimNotices(ctx context.Context, now time.Time, n int) ([]*ticket.Notice, error) {
	var out []*ticket.Notice
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, "SELECT "+noticeColumns+`, raw FROM outbox WHERE status = 'queued'
			AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND (claimed_until IS NULL OR claimed_until <= ?)
			ORDER BY id LIMIT ?`, dbTime(now), dbTime(now), n)
		if err != nil {
			return err
		}
		for rows.Next() {
			nt, err := scanNotice(rows, true)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, nt)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, nt := range out {
			if _, err := tx.ExecContext(ctx, "UPDATE outbox SET claimed_until = ? WHERE id = ?", dbTime(now.Add(claimLease)), nt.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// MarkNotice records a sending attempt's outcome and releases the claim.
func (s *Store) MarkNotice(ctx context.Context, n *ticket.Notice) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, sent_at = ?,
			server_reply = ?, error = ?, claimed_until = NULL WHERE id = ?`,
			n.Status, n.Attempts, nullDBTime(n.NextAttemptAt), nullDBTime(n.SentAt), n.ServerReply, n.Error, n.ID)
		if err != nil {
			return err
		}
		if c, _ := res.RowsAffected(); c != 1 {
			return problem.New(problem.NotFound, "see the outbox with: sustain mail outbox list", "no notice %d in the outbox", n.ID)
		}
		return nil
	})
}

// Notices lists the outbox, newest first; status "" lists all.
func (s *Store) Notices(ctx context.Context, status string, limit int) ([]*ticket.Notice, error) {
	where, args := "", []any{}
	if status != "" {
		where, args = "WHERE status = ?", append(args, status)
	}
	where += " ORDER BY id DESC"
	if limit > 0 {
		where += fmt.Sprintf(" LIMIT %d", limit)
	}
	return s.notices(ctx, where, args...)
}

// Notice returns one notice with its raw bytes.
func (s *Store) Notice(ctx context.Context, id int64) (*ticket.Notice, error) {
	return s.noticeWhere(ctx, "id = ?", id)
}

// NoticeByMessageID finds the notice we sent with this Message-ID; nil when
// it is not ours.
func (s *Store) NoticeByMessageID(ctx context.Context, messageID string) (*ticket.Notice, error) {
	n, err := s.noticeWhere(ctx, "message_id = ?", strings.Trim(messageID, "<>"))
	var pe *problem.Error
	if errors.As(err, &pe) && pe.Kind == problem.NotFound {
		return nil, nil
	}
	return n, err
}

func (s *Store) noticeWhere(ctx context.Context, where string, arg any) (*ticket.Notice, error) {
	n, err := scanNotice(s.db.QueryRowContext(ctx, "SELECT "+noticeColumns+", raw FROM outbox WHERE "+where, arg), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, problem.New(problem.NotFound, "see the outbox with: sustain mail outbox list", "no such notice in the outbox")
	}
	return n, err
}

// RefusedSince reports whether a refusal went to addr at or after t.
func (s *Store) RefusedSince(ctx context.Context, addr string, t time.Time) (bool, error) {
	to, _ := json.Marshal([]string{strings.ToLower(addr)})
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM outbox WHERE kind = 'refusal' AND recipients = ? AND queued_at >= ?",
		string(to), dbTime(t)).Scan(&n)
	return n > 0, err
}

// IMAPPosition is the last UID handled in a mailbox.
func (s *Store) IMAPPosition(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error) {
	var v, u int64
	err = s.db.QueryRowContext(ctx, "SELECT uid_validity, last_uid FROM imap_positions WHERE mailbox = ?", mailbox).Scan(&v, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return uint32(v), uint32(u), err
}

// SetIMAPPosition remembers the last UID handled in a mailbox.
func (s *Store) SetIMAPPosition(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO imap_positions (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
			ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
			mailbox, int64(uidValidity), int64(lastUID))
		return err
	})
}

// attachmentNames are the names a request's files have, read once for all
// the files of a message.
func attachmentNames(ctx context.Context, tx *sql.Tx, number int) (*ticket.Names, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM attachments WHERE number = ?", number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := ticket.NewNames()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names.Take(name)
	}
	return names, rows.Err()
}

// attachFile adds a file that came with a message to a request, under a
// name the request does not have yet.
func attachFile(ctx context.Context, tx *sql.Tx, r *ticket.Request, names *ticket.Names, f ticket.File, at time.Time) error {
	name := names.Free(f.Name)
	sum := sha256.Sum256(f.Data)
	a := ticket.Attachment{Name: name, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), AddedAt: at}
	if err := insertAttachment(ctx, tx, r.Number, a, f.Data); err != nil {
		return err
	}
	r.Attachments = append(r.Attachments, a)
	return nil
}
