package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/ticket"
)

const customerColumns = "code, name, emails, responsible, contract_start, contract_end, project_address, created_at, lang"

// AddCustomer stores a new customer; a taken code is refused.
func (s *Store) AddCustomer(ctx context.Context, c *ticket.Customer) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM customers WHERE code = ?", c.Code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ticket.ErrCustomerExists(c.Code)
		}
		return writeCustomer(ctx, tx, c, "INSERT INTO customers ("+customerColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
	})
}

func writeCustomer(ctx context.Context, tx *sql.Tx, c *ticket.Customer, stmt string, more ...any) error {
	if err := checkTimes(c.CreatedAt); err != nil {
		return err
	}
	emails, _ := json.Marshal(nonNil(c.Emails))
	resp, _ := json.Marshal(c.Responsible)
	if c.Responsible == nil {
		resp = []byte("[]")
	}
	args := []any{c.Code, c.Name, string(emails), string(resp),
		dateText(c.ContractStart), dateText(c.ContractEnd), c.ProjectAddress, dbTime(c.CreatedAt), c.Lang}
	_, err := tx.ExecContext(ctx, stmt, append(args, more...)...)
	return err
}

// UpdateCustomer changes a customer in one transaction.
func (s *Store) UpdateCustomer(ctx context.Context, code string, change func(*ticket.Customer) error) (*ticket.Customer, error) {
	var out *ticket.Customer
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, err := scanCustomer(tx.QueryRowContext(ctx, "SELECT "+customerColumns+" FROM customers WHERE code = ?", code))
		if err != nil {
			return notFoundCustomer(err, code)
		}
		if err := change(c); err != nil {
			return err
		}
		out = c
		return writeCustomer(ctx, tx, c, `UPDATE customers SET code = ?, name = ?, emails = ?, responsible = ?,
			contract_start = ?, contract_end = ?, project_address = ?, created_at = ?, lang = ? WHERE code = ?`, code)
	})
	return out, err
}

// Customer returns one customer.
func (s *Store) Customer(ctx context.Context, code string) (*ticket.Customer, error) {
	c, err := scanCustomer(s.db.QueryRowContext(ctx, "SELECT "+customerColumns+" FROM customers WHERE code = ?", code))
	if err != nil {
		return nil, fail(s.path, notFoundCustomer(err, code))
	}
	return c, nil
}

// Customers lists all customers by code.
func (s *Store) Customers(ctx context.Context) ([]*ticket.Customer, error) {
	out, err := queryAll(ctx, s.db, scanCustomer, "SELECT "+customerColumns+" FROM customers ORDER BY code")
	if err != nil {
		return nil, fail(s.path, err)
	}
	return out, nil
}

func notFoundCustomer(err error, code string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ticket.ErrNoCustomer(code)
	}
	return err
}

type scanner interface{ Scan(...any) error }

func scanCustomer(row scanner) (*ticket.Customer, error) {
	var c ticket.Customer
	var emails, resp string
	var start, end sql.NullString
	var created int64
	if err := row.Scan(&c.Code, &c.Name, &emails, &resp, &start, &end, &c.ProjectAddress, &created, &c.Lang); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(emails), &c.Emails); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(resp), &c.Responsible); err != nil {
		return nil, err
	}
	c.ContractStart, c.ContractEnd = parseDate(start), parseDate(end)
	c.CreatedAt = fromDBTime(created)
	return &c, nil
}

func dateText(d *bizcal.Date) sql.NullString {
	if d == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

func parseDate(s sql.NullString) *bizcal.Date {
	if !s.Valid {
		return nil
	}
	d, err := bizcal.ParseDate(s.String)
	if err != nil {
		return nil
	}
	return &d
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
