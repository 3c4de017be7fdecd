package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sustain-cli/sustain/ticket"
)

const requestColumns = `r.number, r.id, r.customer, r.subject, r.description, r.channel, r.sender,
	r.project_address, r.params, r.priority, r.status, r.related, r.closure, r.created_at, r.updated_at,
	r.first_response_at, r.answered_at, r.closed_at, r.policy`

// listColumns are requestColumns without the description, which lists never
// show and which may be long: a list reads only the short columns. Each is
// an expression (+r.x, the same value): the driver looks up a table
// column's declared type for every text value of every row (to parse
// dates), which cost a tenth of a long list's time.
var listColumns = strings.ReplaceAll(strings.Replace(requestColumns, "r.description", "'' AS description", 1), "r.", "+r.")

// CreateRequest numbers and stores a new request with its files and first
// event, in one transaction.
func (s *Store) CreateRequest(ctx context.Context, prefix string, r *ticket.Request, files []ticket.File, first ticket.Event) (*ticket.Request, error) {
	if err := checkTimes(r.CreatedAt, r.UpdatedAt, r.FirstResponse, r.AnsweredAt, r.ClosedAt, first.At); err != nil {
		return nil, err
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES ('request', 1)
			ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`).Scan(&r.Number); err != nil {
			return err
		}
		r.ID = fmt.Sprintf("%s-%d", prefix, r.Number)
		rank, err := ticket.PriorityRank(r.Priority)
		if err != nil {
			return err
		}
		params, _ := json.Marshal(r.Params)
		if _, err := tx.ExecContext(ctx, `INSERT INTO requests (number, id, customer, subject, description, channel,
			sender, project_address, params, priority, priority_rank, status, related, closure, created_at, updated_at,
			first_response_at, answered_at, closed_at, policy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Number, r.ID, r.Customer, r.Subject, r.Description, r.Channel, r.From, r.ProjectAddress, string(params),
			r.Priority, rank, string(r.Status), r.Related, r.Closure, dbTime(r.CreatedAt), dbTime(r.UpdatedAt),
			nullDBTime(r.FirstResponse), nullDBTime(r.AnsweredAt), nullDBTime(r.ClosedAt), policyJSON(r.Policy)); err != nil {
			return err
		}
		for _, f := range files {
			sum := sha256.Sum256(f.Data)
			a := ticket.Attachment{Name: f.Name, Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:]), AddedAt: r.CreatedAt}
			if err := insertAttachment(ctx, tx, r.Number, a, f.Data); err != nil {
				return err
			}
			r.Attachments = append(r.Attachments, a)
		}
		first.Seq = 1
		r.History = []ticket.Event{first}
		stored := first
		if stored.Action == string(ticket.ActOpen) && stored.Text == r.Description {
			stored.Text = "" // kept once, in the request; Request gives it back
		}
		if err := insertEvent(ctx, tx, r.Number, stored); err != nil {
			return err
		}
		return applyMail(ctx, tx, r, first)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

const insertEventSQL = `INSERT INTO events (number, seq, at, actor, action, text, detail, from_status, to_status)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

func eventArgs(number int, e ticket.Event) []any {
	return []any{number, e.Seq, dbTime(e.At), e.Actor, e.Action, e.Text, e.Detail, string(e.From), string(e.To)}
}

func insertEvent(ctx context.Context, tx *sql.Tx, number int, e ticket.Event) error {
	_, err := tx.ExecContext(ctx, insertEventSQL, eventArgs(number, e)...)
	return err
}

// lookup turns "SUP-12", "sup-12" or "12" into the WHERE clause and argument.
func lookup(id string) (string, any) {
	id = strings.ToUpper(strings.TrimSpace(id))
	if n, err := strconv.Atoi(id); err == nil {
		return "r.number = ?", n
	}
	return "r.id = ?", id
}

// queryAll runs query and scans each row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Request returns a request with its history and attachments.
func (s *Store) Request(ctx context.Context, id string) (*ticket.Request, error) {
	r, err := s.request(ctx, s.db, id)
	return r, fail(s.path, err)
}

func (s *Store) request(ctx context.Context, q querier, id string) (*ticket.Request, error) {
	where, arg := lookup(id)
	r, err := scanRequest(q.QueryRowContext(ctx, "SELECT "+requestColumns+" FROM requests r WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ticket.ErrNoRequest(id)
	}
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, q, []*ticket.Request{r}); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT seq, at, actor, action, text, detail, from_status, to_status
		FROM events WHERE number = ? ORDER BY seq`, r.Number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e ticket.Event
		var at int64
		var from, to string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Text, &e.Detail, &from, &to); err != nil {
			return nil, err
		}
		e.At, e.From, e.To = fromDBTime(at), ticket.Status(from), ticket.Status(to)
		if e.Seq == 1 && e.Action == string(ticket.ActOpen) && e.Text == "" {
			e.Text = r.Description // the open event's text is the description, kept once
		}
		r.History = append(r.History, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	openedText(r.History)
	arows, err := q.QueryContext(ctx, `SELECT name, size, sha256, added_at FROM attachments WHERE number = ? ORDER BY name`, r.Number)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var a ticket.Attachment
		var at int64
		if err := arows.Scan(&a.Name, &a.Size, &a.SHA256, &at); err != nil {
			return nil, err
		}
		a.AddedAt = fromDBTime(at)
		r.Attachments = append(r.Attachments, a)
	}
	return r, arows.Err()
}

// fill loads assignees and tasks of the requests.
func (s *Store) fill(ctx context.Context, q querier, rs []*ticket.Request) error {
	if len(rs) == 0 {
		return nil
	}
	byNumber := make(map[int]*ticket.Request, len(rs))
	marks := make([]string, len(rs))
	args := make([]any, len(rs))
	for i, r := range rs {
		byNumber[r.Number] = r
		marks[i], args[i] = "?", r.Number
	}
	where := " WHERE number IN (" + strings.Join(marks, ",") + ")"
	if len(rs) > 500 {
		// A long list: the whole (small) table, extra rows ignored, is
		// cheaper than a huge IN list or one that reads every request.
		where, args = "", nil
	}
	for _, part := range []struct {
		table, column string
		add           func(*ticket.Request, string)
	}{
		{"request_assignees", "name", func(r *ticket.Request, v string) { r.Assignees = append(r.Assignees, v) }},
		{"request_tasks", "task", func(r *ticket.Request, v string) { r.Tasks = append(r.Tasks, v) }},
	} {
		rows, err := q.QueryContext(ctx, "SELECT number, "+part.column+" FROM "+part.table+where+" ORDER BY 1, 2", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n int
			var v string
			if err := rows.Scan(&n, &v); err != nil {
				rows.Close()
				return err
			}
			if r, ok := byNumber[n]; ok {
				part.add(r, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func scanRequest(row scanner) (*ticket.Request, error) {
	var r ticket.Request
	var params, status, policy string
	var created, updated int64
	var first, answered, closed sql.NullInt64
	if err := row.Scan(&r.Number, &r.ID, &r.Customer, &r.Subject, &r.Description, &r.Channel, &r.From,
		&r.ProjectAddress, &params, &r.Priority, &status, &r.Related, &r.Closure, &created, &updated,
		&first, &answered, &closed, &policy); err != nil {
		return nil, err
	}
	if policy != "" {
		r.Policy = new(ticket.RequestPolicy)
		if err := json.Unmarshal([]byte(policy), r.Policy); err != nil {
			return nil, fmt.Errorf("request %s: its policy: %w", r.ID, err)
		}
	}
	if err := unmarshalList(params, &r.Params); err != nil {
		return nil, err
	}
	r.Status, r.CreatedAt, r.UpdatedAt = ticket.Status(status), fromDBTime(created), fromDBTime(updated)
	r.FirstResponse, r.AnsweredAt, r.ClosedAt = fromNullDBTime(first), fromNullDBTime(answered), fromNullDBTime(closed)
	r.Assignees, r.Tasks = []string{}, []string{}
	return &r, nil
}

// Requests lists requests without their history and without their
// descriptions (Description is empty: Request has it).
func (s *Store) Requests(ctx context.Context, f ticket.Filter) ([]*ticket.Request, error) {
	rs, err := s.requests(ctx, f)
	return rs, fail(s.path, err)
}

// listQuery is the FROM, WHERE and ORDER BY of a list with their arguments.
func listQuery(f ticket.Filter) (from, order string, args []any) {
	var where []string
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			marks[i] = "?"
			args = append(args, string(st))
		}
		column := "r.status"
		if f.Customer == "" && !f.Queue {
			// Read in the table's own (number) order and filtered row by
			// row: through the status index, half the store's rows would
			// each be looked up in the table and all sorted again by
			// number before the first came out.
			column = "+r.status"
		}
		where = append(where, column+" IN ("+strings.Join(marks, ",")+")")
	}
	if f.Customer != "" {
		where, args = append(where, "r.customer = ?"), append(args, strings.ToUpper(f.Customer))
	}
	if f.Priority != "" {
		where, args = append(where, "r.priority = ?"), append(args, f.Priority)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "r.created_at >= ?"), append(args, dbTime(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "r.created_at < ?"), append(args, dbTime(f.Until))
	}
	if f.Assignee != "" {
		where, args = append(where, "r.number IN (SELECT number FROM request_assignees WHERE name = ?)"), append(args, f.Assignee)
	}
	if f.Task != "" {
		where, args = append(where, "r.number IN (SELECT number FROM request_tasks WHERE task = ?)"), append(args, strings.ToUpper(f.Task))
	}
	if f.NoResponse {
		where = append(where, "r.first_response_at IS NULL")
	}
	from = " FROM requests r"
	switch f.Sort {
	case ticket.SortNewest:
		order = " ORDER BY r.number DESC"
	case ticket.SortUpdated:
		order = " ORDER BY r.updated_at DESC, r.number DESC"
	default:
		order = " ORDER BY r.number"
	}
	if f.Queue {
		// The priority system: contract customers first by priority, then
		// age; the rest ("residual") by age alone (A4, Q12).
		from += " JOIN customers c ON c.code = r.customer"
		order = " ORDER BY r.priority_rank, r.created_at, r.number"
		if f.ContractMatters {
			tier := "(CASE WHEN c.contract_start IS NOT NULL AND c.contract_start <= ? AND c.contract_end >= ? THEN 0 ELSE 1 END)"
			today := f.Today.String()
			args = append(args, today, today, today, today)
			order = " ORDER BY " + tier + ", (CASE WHEN " + tier + " = 1 THEN 0 ELSE r.priority_rank END), r.created_at, r.number"
		}
	}
	if len(where) > 0 {
		// The tier's arguments come after the WHERE's in the statement.
		from += " WHERE " + strings.Join(where, " AND ")
	}
	return from, order, args
}

func (s *Store) requests(ctx context.Context, f ticket.Filter) ([]*ticket.Request, error) {
	from, order, args := listQuery(f)
	if f.Limit > 0 {
		// Find the numbers first, from the index alone, then read only
		// those rows: sorting whole rows of a long queue costs far more.
		return s.requestsByNumber(ctx, "SELECT r.number"+from+order+fmt.Sprintf(" LIMIT %d", f.Limit), args)
	}
	out, err := queryAll(ctx, s.db, scanRequest, "SELECT "+listColumns+from+order, args...)
	if err != nil {
		return nil, err
	}
	return out, s.fill(ctx, s.db, out)
}

// CountRequests counts the requests f selects (its order and limit aside).
func (s *Store) CountRequests(ctx context.Context, f ticket.Filter) (int, error) {
	f.Queue, f.ContractMatters = false, false // the queue's order joins customers: no row is left out by it but unknown customers'
	from, _, args := listQuery(f)
	// A count needs no order: the status index answers it alone.
	from = strings.Replace(from, "+r.status IN", "r.status IN", 1)
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&n)
	return n, fail(s.path, err)
}

// walkColumns are listColumns with the assignees and tasks of each row as
// JSON arrays, so one cursor gives whole requests.
var walkColumns = listColumns + `,
	(SELECT json_group_array(name ORDER BY name) FROM request_assignees WHERE number = r.number),
	(SELECT json_group_array(task ORDER BY task) FROM request_tasks WHERE number = r.number)`

// EachRequest hands the requests of Requests to fn one by one, as one
// cursor reads them: memory stays that of a few hundred requests. Reading
// and fn (printing) run side by side, a bounded queue between them.
func (s *Store) EachRequest(ctx context.Context, f ticket.Filter, fn func(*ticket.Request) error) error {
	from, order, args := listQuery(f)
	q := "SELECT " + walkColumns + from + order
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fail(s.path, err)
	}
	const batch = 64
	queue := make(chan []*ticket.Request, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(queue)
		defer rows.Close()
		var b []*ticket.Request
		for rows.Next() {
			r, err := scanWalked(rows)
			if err != nil {
				readErr <- err
				return
			}
			if b = append(b, r); len(b) == batch {
				select {
				case queue <- b:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				b = nil
			}
		}
		if len(b) > 0 {
			select {
			case queue <- b:
			case <-ctx.Done():
			}
		}
		readErr <- rows.Err()
	}()
	for b := range queue {
		for _, r := range b {
			if err := fn(r); err != nil {
				cancel()
				for range queue {
					// let the reader see the cancellation and stop
				}
				return err
			}
		}
	}
	return fail(s.path, <-readErr)
}

func scanWalked(rows *sql.Rows) (*ticket.Request, error) {
	var assignees, tasks string
	r, err := scanRequest(extraScanner{rows, []any{&assignees, &tasks}})
	if err != nil {
		return nil, err
	}
	if err := unmarshalList(assignees, &r.Assignees); err != nil {
		return nil, err
	}
	if err := unmarshalList(tasks, &r.Tasks); err != nil {
		return nil, err
	}
	return r, nil
}

// unmarshalList decodes a JSON array into *v, the empty array (most rows'
// parameters, assignees and tasks) without the decoder.
func unmarshalList[T any](s string, v *[]T) error {
	if s == "[]" {
		*v = []T{}
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// extraScanner scans a row with more columns than scanRequest knows into
// those and the extra destinations.
type extraScanner struct {
	rows  *sql.Rows
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.rows.Scan(append(dest, e.extra...)...) }

// requestsByNumber runs a query for request numbers and returns those
// requests in its order.
func (s *Store) requestsByNumber(ctx context.Context, query string, args []any) ([]*ticket.Request, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var numbers []any
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(numbers) == 0 {
		return []*ticket.Request{}, err
	}
	rs, _, err := s.loadRequests(ctx, s.db, listColumns, numberIDs(numbers))
	return rs, err
}

func numberIDs(numbers []any) []string {
	ids := make([]string, len(numbers))
	for i, n := range numbers {
		ids[i] = fmt.Sprint(n)
	}
	return ids
}

// UpdateRequests changes requests in one transaction and appends the events.
// The requests come back without their history (ticket show has it).
func (s *Store) UpdateRequests(ctx context.Context, ids []string, change func(*ticket.Request) (*ticket.Event, error)) ([]*ticket.Request, error) {
	var out []*ticket.Request
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rs, lastSeq, err := s.loadRequests(ctx, tx, requestColumns, ids)
		if err != nil {
			return err
		}
		// Prepared once: a sweep runs them for hundreds of requests.
		update, err := tx.PrepareContext(ctx, `UPDATE requests SET status = ?, closure = ?, updated_at = ?,
			first_response_at = ?, answered_at = ?, closed_at = ?, policy = ? WHERE number = ?`)
		if err != nil {
			return err
		}
		defer update.Close()
		addEvent, err := tx.PrepareContext(ctx, insertEventSQL)
		if err != nil {
			return err
		}
		defer addEvent.Close()
		for _, r := range rs {
			beforeTasks := len(r.Tasks)
			before := snapshotOf(r)
			ev, err := change(r)
			if errors.Is(err, ticket.ErrSkip) {
				continue
			}
			if err != nil {
				return err
			}
			if err := checkTimes(r.UpdatedAt, r.FirstResponse, r.AnsweredAt, r.ClosedAt); err != nil {
				return err
			}
			if ev != nil {
				if err := checkTimes(ev.At); err != nil {
					return err
				}
			}
			if _, err := update.ExecContext(ctx, string(r.Status), r.Closure, dbTime(r.UpdatedAt), nullDBTime(r.FirstResponse),
				nullDBTime(r.AnsweredAt), nullDBTime(r.ClosedAt), policyJSON(r.Policy), r.Number); err != nil {
				return err
			}
			if err := writeChanges(ctx, tx, before, r); err != nil {
				return err
			}
			for _, a := range added(before.assignees, r.Assignees) {
				if _, err := tx.ExecContext(ctx, "INSERT INTO request_assignees (number, name) VALUES (?, ?)", r.Number, a); err != nil {
					return err
				}
			}
			for _, t := range r.Tasks[beforeTasks:] {
				if _, err := tx.ExecContext(ctx, "INSERT INTO request_tasks (number, task) VALUES (?, ?)", r.Number, t); err != nil {
					return err
				}
			}
			if ev != nil {
				ev.Seq = lastSeq[r.Number] + 1
				if _, err := addEvent.ExecContext(ctx, eventArgs(r.Number, *ev)...); err != nil {
					return err
				}
				if err := applyMail(ctx, tx, r, *ev); err != nil {
					return err
				}
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// loadRequests reads the requests (in the order of ids) and the last
// sequence number of each one's history, in a few queries for the lot.
// columns is requestColumns or listColumns.
func (s *Store) loadRequests(ctx context.Context, q querier, columns string, ids []string) ([]*ticket.Request, map[int]int, error) {
	var numbers []any
	var names []any
	for _, id := range ids {
		where, arg := lookup(id)
		if strings.HasPrefix(where, "r.number") {
			numbers = append(numbers, arg)
		} else {
			names = append(names, arg)
		}
	}
	marks := func(n int) string {
		if n == 0 {
			return "(NULL)"
		}
		return "(" + strings.Repeat("?,", n-1) + "?)"
	}
	rows, err := q.QueryContext(ctx, "SELECT "+columns+" FROM requests r WHERE r.id IN "+marks(len(names))+
		" OR r.number IN "+marks(len(numbers)), append(names, numbers...)...)
	if err != nil {
		return nil, nil, err
	}
	byID, byNumber := map[string]*ticket.Request{}, map[int]*ticket.Request{}
	var all []*ticket.Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		byID[r.ID], byNumber[r.Number] = r, r
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	out := make([]*ticket.Request, 0, len(ids))
	for _, id := range ids {
		where, arg := lookup(id)
		r := byID[fmt.Sprint(arg)]
		if strings.HasPrefix(where, "r.number") {
			r = byNumber[arg.(int)]
		}
		if r == nil {
			return nil, nil, ticket.ErrNoRequest(id)
		}
		out = append(out, r)
	}
	if err := s.fill(ctx, q, all); err != nil {
		return nil, nil, err
	}
	args := make([]any, len(all))
	for i, r := range all {
		args[i] = r.Number
	}
	seq := map[int]int{}
	srows, err := q.QueryContext(ctx, "SELECT number, max(seq) FROM events WHERE number IN "+marks(len(args))+" GROUP BY number", args...)
	if err != nil {
		return nil, nil, err
	}
	defer srows.Close()
	for srows.Next() {
		var n, last int
		if err := srows.Scan(&n, &last); err != nil {
			return nil, nil, err
		}
		seq[n] = last
	}
	return out, seq, srows.Err()
}

// pieceSize is the size of the pieces attachments are kept in, as raw
// messages are (rawChunk): SQLite copies each bound BLOB, so the copies stay
// this small whatever the file's size.
const pieceSize = 1 << 20

// insertAttachment records a file and writes its content in pieces.
func insertAttachment(ctx context.Context, tx *sql.Tx, number int, a ticket.Attachment, data []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO attachments (number, name, size, sha256, added_at) VALUES (?, ?, ?, ?, ?)`,
		number, a.Name, a.Size, a.SHA256, dbTime(a.AddedAt)); err != nil {
		return err
	}
	for seq, off := 0, 0; off < len(data); seq, off = seq+1, off+pieceSize {
		if _, err := tx.ExecContext(ctx, "INSERT INTO attachment_pieces (number, name, seq, data) VALUES (?, ?, ?, ?)",
			number, a.Name, seq, data[off:min(off+pieceSize, len(data))]); err != nil {
			return err
		}
	}
	return nil
}

// AttachmentData returns an attachment's content.
func (s *Store) AttachmentData(ctx context.Context, id, name string) (*ticket.Attachment, []byte, error) {
	where, arg := lookup(id)
	var a ticket.Attachment
	var at int64
	var number int
	err := s.db.QueryRowContext(ctx, `SELECT a.number, a.name, a.size, a.sha256, a.added_at FROM attachments a
		JOIN requests r ON r.number = a.number WHERE `+where+` AND a.name = ?`, arg, name).Scan(&number, &a.Name, &a.Size, &a.SHA256, &at)
	if errors.Is(err, sql.ErrNoRows) {
		if _, rerr := s.Request(ctx, id); rerr != nil {
			return nil, nil, rerr
		}
		return nil, nil, ticket.ErrNoAttachment(id, name)
	}
	if err != nil {
		return nil, nil, fail(s.path, err)
	}
	a.AddedAt = fromDBTime(at)
	data, err := s.attachmentContent(ctx, number, &a)
	if err != nil {
		return nil, nil, fail(s.path, err)
	}
	return &a, data, nil
}

// attachmentContent joins a file's pieces into one slice of its recorded
// size, allocated once.
func (s *Store) attachmentContent(ctx context.Context, number int, a *ticket.Attachment) ([]byte, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT data FROM attachment_pieces WHERE number = ? AND name = ? ORDER BY seq", number, a.Name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	data := make([]byte, 0, max(a.Size, 0))
	for rows.Next() {
		var piece sql.RawBytes
		if err := rows.Scan(&piece); err != nil {
			return nil, err
		}
		data = append(data, piece...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(data)) != a.Size {
		return nil, fmt.Errorf("attachment %s is damaged in the store: %d bytes kept, %d recorded", a.Name, len(data), a.Size)
	}
	return data, nil
}

// CompleteIDs finds registration numbers for shell completion: open
// requests first, then closed ones, newest first, at most n, those starting
// with prefix in any case. The digits typed become ranges of numbers
// (SUP-49 is 49, 490..499, 4900..4999...), disjoint and each above the
// last: read widest first, each from the primary key backwards and cut by
// LIMIT, they give the newest first without sorting anything, so a store
// of any size answers at once.
func (s *Store) CompleteIDs(ctx context.Context, prefix string, n int) ([]ticket.IDHint, error) {
	type span struct{ lo, hi int64 }
	spans := []span{{1, 1<<62 - 1}}
	if i := strings.LastIndexFunc(prefix, func(r rune) bool { return r < '0' || r > '9' }); i < len(prefix)-1 {
		digits := prefix[i+1:]
		if len(digits) > 12 {
			return nil, nil
		}
		base, _ := strconv.ParseInt(digits, 10, 64)
		spans = spans[:0]
		for width, size := int64(1), int64(1); width <= 12 && base*size <= 1<<50; width, size = width+1, size*10 {
			spans = append(spans, span{base * size, base*size + size - 1})
		}
		slices.Reverse(spans)
	}
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(prefix) + "%"
	var out []ticket.IDHint
	for _, where := range []string{"status <> 'closed'", "status = 'closed'"} {
		for _, sp := range spans {
			if len(out) >= n {
				return out, nil
			}
			rows, err := s.db.QueryContext(ctx, `SELECT id, status, subject FROM requests WHERE number BETWEEN ? AND ? AND `+where+
				` AND id LIKE ? ESCAPE '\' ORDER BY number DESC LIMIT ?`, sp.lo, sp.hi, like, n-len(out))
			if err != nil {
				return nil, fail(s.path, err)
			}
			for rows.Next() {
				var h ticket.IDHint
				if err := rows.Scan(&h.ID, &h.Status, &h.Subject); err != nil {
					rows.Close()
					return nil, fail(s.path, err)
				}
				if strings.HasPrefix(strings.ToUpper(h.ID), strings.ToUpper(prefix)) {
					out = append(out, h)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fail(s.path, err)
			}
		}
	}
	return out, nil
}

// policyJSON is a request's policy as stored: "" when it keeps none.
func policyJSON(p *ticket.RequestPolicy) string {
	if p == nil {
		return ""
	}
	b, _ := json.Marshal(p)
	return string(b)
}
