// Command genstore fills a ticket store with generated customers and
// requests for the benchmarks: N requests over 200 customers (half with an
// active contract), all statuses and priorities, created over two years.
//
//	go run ./bench/genstore -requests 100000 -store bench/work/tickets.db
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"time"

	"github.com/sustain-cli/sustain/ticket/sqlite"
)

func main() {
	n := flag.Int("requests", 100000, "requests to generate")
	path := flag.String("store", "bench/work/tickets.db", "the store file to create")
	flag.Parse()
	_ = os.Remove(*path)
	st, err := sqlite.Open(context.Background(), *path) // creates the schema
	if err != nil {
		log.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite", *path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		log.Fatal(err)
	}
	must := func(_ sql.Result, err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	for c := 0; c < 200; c++ {
		start, end := "2025-01-01", "2027-12-31"
		if c%2 == 1 {
			start, end = "2023-01-01", "2024-12-31"
		}
		must(tx.Exec(`INSERT INTO customers (code, name, emails, responsible, contract_start, contract_end, created_at)
			VALUES (?, ?, ?, '[]', ?, ?, 0)`, fmt.Sprintf("C%03d", c), fmt.Sprintf("Customer %d", c),
			fmt.Sprintf(`["ops@c%03d.test"]`, c), start, end))
	}
	rng := rand.New(rand.NewSource(1))
	statuses := []string{"new", "in_progress", "waiting_for_customer", "resolved", "closed", "closed", "closed", "closed"}
	priorities := []string{"critical", "high", "normal", "normal", "low"}
	base := time.Date(2024, 11, 20, 9, 0, 0, 0, time.UTC)
	ins, err := tx.Prepare(`INSERT INTO requests (number, id, customer, subject, description, channel, sender, project_address,
		params, priority, priority_rank, status, related, closure, created_at, updated_at, first_response_at, answered_at, closed_at)
		VALUES (?, ?, ?, ?, '', 'phone', '', '', '[]', ?, ?, ?, '', '', ?, ?, ?, ?, ?)`)
	if err != nil {
		log.Fatal(err)
	}
	ev, err := tx.Prepare(`INSERT INTO events (number, seq, at, actor, action, text, detail, from_status, to_status)
		VALUES (?, 1, ?, 'bench', 'open', '', '', '', 'new')`)
	if err != nil {
		log.Fatal(err)
	}
	for i := 1; i <= *n; i++ {
		created := base.Add(time.Duration(i) * (2 * 365 * 24 * time.Hour / time.Duration(*n)))
		st := statuses[rng.Intn(len(statuses))]
		p := rng.Intn(len(priorities))
		var first, answered, closed any
		if st != "new" {
			first = created.Add(time.Hour).UnixMicro()
		}
		if st == "resolved" || st == "closed" {
			answered = created.Add(48 * time.Hour).UnixMicro()
		}
		if st == "closed" {
			closed = created.Add(96 * time.Hour).UnixMicro()
		}
		must(ins.Exec(i, fmt.Sprintf("SUP-%d", i), fmt.Sprintf("C%03d", rng.Intn(200)), fmt.Sprintf("Generated request %d", i),
			priorities[p], []int{1, 2, 3, 3, 4}[p], st, created.UnixMicro(), created.UnixMicro(), first, answered, closed))
		must(ev.Exec(i, created.UnixMicro()))
	}
	must(tx.Exec(`INSERT INTO counters (name, value) VALUES ('request', ?)`, *n))
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d requests in %s\n", *n, *path)
}
