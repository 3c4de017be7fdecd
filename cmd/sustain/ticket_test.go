package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/ticket"
)

// execute runs a constructed command on args, quietly.
func execute(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.Execute()
}

func TestTicketOpenFlags(t *testing.T) {
	cases := []struct {
		args    []string
		want    ticket.OpenInput
		attach  []string
		wantErr string
	}{
		{args: []string{"--customer", "ACME", "--subject", "x"}, want: ticket.OpenInput{Customer: "ACME", Subject: "x", Channel: "email", Priority: "normal"}},
		{args: []string{"--customer", "ACME", "--channel", "phone", "--priority", "high", "--param", "version=1.0.37", "--param", " os =Linux=6", "--attach", "a.log", "--attach", "b.png"},
			want:   ticket.OpenInput{Customer: "ACME", Channel: "phone", Priority: "high", Params: []ticket.Param{{Key: "version", Value: "1.0.37"}, {Key: "os", Value: "Linux=6"}}},
			attach: []string{"a.log", "b.png"}},
		{args: []string{"--param", "novalue"}, wantErr: `--param "novalue": use key=value`},
		{args: []string{"--param", "=x"}, wantErr: "use key=value"},
		{args: []string{"--description", "a", "--description-file", "b"}, wantErr: "give the description once"},
		{args: []string{"extra"}, wantErr: "takes no arguments"},
	}
	for _, tc := range cases {
		var got *TicketOpenOptions
		err := execute(NewCmdTicketOpen(&app{}, func(o *TicketOpenOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got.Input, tc.want) || !reflect.DeepEqual(got.Attach, tc.attach) {
			t.Errorf("%v: %+v %v", tc.args, got, err)
		}
	}
}

func TestTicketListFlags(t *testing.T) {
	open := []ticket.Status{ticket.StatusNew, ticket.StatusInProgress, ticket.StatusWaiting, ticket.StatusResolved}
	cases := []struct {
		args    []string
		want    ticket.Filter
		since   string
		wantErr string
	}{
		{args: nil, want: ticket.Filter{Statuses: open}},
		{args: []string{"--status", "all"}, want: ticket.Filter{}},
		{args: []string{"--status", "resolved", "--status", "closed", "--customer", "ACME"}, want: ticket.Filter{Statuses: []ticket.Status{ticket.StatusResolved, ticket.StatusClosed}, Customer: "ACME"}},
		{args: []string{"--sort", "queue", "--priority", "high", "--since", "3d"}, want: ticket.Filter{Statuses: open, Queue: true, Priority: "high"}, since: "3d"},
		{args: []string{"--status", "done"}, wantErr: `unknown status "done"`},
		{args: []string{"--sort", "age"}, wantErr: `--sort "age"`},
		{args: []string{"--priority", "urgent"}, wantErr: "urgent"},
	}
	for _, tc := range cases {
		var got *TicketListOptions
		err := execute(NewCmdTicketList(&app{}, func(o *TicketListOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got.Filter, tc.want) || got.Since != tc.since {
			t.Errorf("%v: %+v %v", tc.args, got, err)
		}
	}
}

func TestTicketActionAndCloseFlags(t *testing.T) {
	spec := func(name string) actionSpec {
		for _, s := range actionSpecs {
			if strings.Fields(s.use)[0] == name {
				return s
			}
		}
		t.Fatalf("no action %s", name)
		return actionSpec{}
	}
	cases := []struct {
		action  string
		args    []string
		want    ticket.ActInput
		text    string
		wantErr string
	}{
		{action: "assign", args: []string{"SUP-1", "--to", "anna"}, want: ticket.ActInput{Action: ticket.ActAssign, Detail: "anna"}},
		{action: "comment", args: []string{"SUP-1", "--text", "hi"}, want: ticket.ActInput{Action: ticket.ActComment}, text: "hi"},
		{action: "comment", args: []string{"SUP-1", "--to-customer", "--text", "hi"}, want: ticket.ActInput{Action: ticket.ActTell}, text: "hi"},
		{action: "dispute", args: []string{"SUP-1", "--from", "a@b.test", "--reason", "no"}, want: ticket.ActInput{Action: ticket.ActDispute, From: "a@b.test", Text: "no"}},
		{action: "escalate", args: []string{"SUP-1", "--task", "SRV-42"}, want: ticket.ActInput{Action: ticket.ActEscalate, Detail: "SRV-42"}},
		{action: "answer", args: []string{"SUP-1", "--text", "a", "--text-file", "b"}, wantErr: "give the text once"},
		{action: "assign", args: []string{}, wantErr: "takes 1 argument"},
		{action: "assign", args: []string{"SUP-1", "--text", "x"}, wantErr: "unknown flag: --text"},
	}
	for _, tc := range cases {
		var got *TicketActionOptions
		err := execute(NewCmdTicketAction(&app{}, spec(tc.action), func(o *TicketActionOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s %v: %v, want %q", tc.action, tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got.ID != "SUP-1" || !reflect.DeepEqual(got.Input, tc.want) || got.Text != tc.text {
			t.Errorf("%s %v: %+v %v", tc.action, tc.args, got, err)
		}
	}
	for _, tc := range []struct {
		args    []string
		want    ticket.ActInput
		wantErr string
	}{
		{args: []string{"SUP-1", "--confirmed-by", "ivan@acme.test"}, want: ticket.ActInput{Action: ticket.ActConfirm, From: "ivan@acme.test"}},
		{args: []string{"SUP-1", "--withdrawn", "--from", "ops@acme.test"}, want: ticket.ActInput{Action: ticket.ActWithdraw, From: "ops@acme.test"}},
		{args: []string{"SUP-1", "--withdrawn", "--confirmed-by", "x@y.test"}, wantErr: "choose --confirmed-by or --withdrawn"},
		{args: []string{"SUP-1"}, wantErr: "close needs --confirmed-by"},
	} {
		var got *TicketCloseOptions
		err := execute(NewCmdTicketClose(&app{}, func(o *TicketCloseOptions) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("close %v: %v", tc.args, err)
			}
		} else if err != nil || !reflect.DeepEqual(got.Input, tc.want) {
			t.Errorf("close %v: %+v %v", tc.args, got, err)
		}
	}
	var sweep *TicketSweepOptions
	if err := execute(NewCmdTicketSweep(&app{}, func(o *TicketSweepOptions) error { sweep = o; return nil }), "--dry-run"); err != nil || !sweep.DryRun {
		t.Errorf("sweep: %+v %v", sweep, err)
	}
	var get *TicketAttachmentGetOptions
	if err := execute(NewCmdTicketAttachmentGet(&app{}, func(o *TicketAttachmentGetOptions) error { get = o; return nil }), "SUP-1", "app.log", "-o", "x"); err != nil ||
		get.ID != "SUP-1" || get.Name != "app.log" || get.Output != "x" {
		t.Errorf("attachment get: %+v %v", get, err)
	}
}

// The run functions, called directly with in-memory streams, over a real
// SQLite store: a request's life from open to sweep.
func TestTicketRuns(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	deps := ticketDeps{Out: &out, Service: testService(t), Actor: func() string { return "anna" }}
	cdeps := customerDeps{Out: io.Discard, Service: deps.Service}
	if err := customerAddRun(ctx, &CustomerAddOptions{customerDeps: cdeps, Code: "ACME", Fields: CustomerFields{Name: "Acme", NameSet: true}}); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(log, []byte("trace\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deps.In = strings.NewReader("  Описание ошибки из stdin \n")
	deps.Format = output.Format{Template: "{{.id}} {{.description}}"}
	limit := func() (int64, error) { return 1 << 20, nil }
	err := ticketOpenRun(ctx, &TicketOpenOptions{ticketDeps: deps, Attach: []string{log}, AttachmentMaxBytes: limit,
		Input: ticket.OpenInput{Customer: "ACME", Channel: "phone", Subject: "Вход не работает", Priority: "normal"}})
	if err != nil || out.String() != "SUP-1 Описание ошибки из stdin" {
		t.Fatalf("open: %q %v", out.String(), err)
	}
	deps.Format = output.Format{}
	deps.In = strings.NewReader("")
	for _, step := range []*TicketActionOptions{
		{ID: "SUP-1", Input: ticket.ActInput{Action: ticket.ActAssign, Detail: "boris"}},
		{ID: "SUP-1", Input: ticket.ActInput{Action: ticket.ActAnswer}, TakesText: true, Text: "Fixed in 1.0.42"},
	} {
		out.Reset()
		step.ticketDeps = deps
		if err := ticketActionRun(ctx, step); err != nil {
			t.Fatalf("%s: %v", step.Input.Action, err)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "STATUS Completed, requires user confirmation") {
		t.Errorf("after answer: %s", out.String())
	}
	out.Reset()
	if err := ticketShowRun(ctx, &TicketShowOptions{ticketDeps: deps, ID: "1"}); err != nil {
		t.Fatal(err)
	}
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, want := range []string{"ASSIGNEES boris", "HISTORY 2026-11-20 10:00 anna answer", "ATTACHMENT app.log (6 bytes, sha256 "} {
		if !strings.Contains(squeeze(out.String()), want) {
			t.Errorf("show lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := ticketListRun(ctx, &TicketListOptions{ticketDeps: deps, Filter: ticket.Filter{Statuses: []ticket.Status{ticket.StatusResolved}}, Since: "1d"}); err != nil ||
		!strings.Contains(out.String(), "SUP-1") || !strings.Contains(out.String(), "Вход не работает") {
		t.Errorf("list: %q %v", out.String(), err)
	}
	if err := ticketListRun(ctx, &TicketListOptions{ticketDeps: deps, Since: "1600-01-01"}); err == nil {
		t.Error("list --since 1600 did not fail")
	}
	out.Reset()
	if err := ticketAttachmentGetRun(ctx, &TicketAttachmentGetOptions{ticketDeps: deps, ID: "SUP-1", Name: "app.log"}); err != nil || out.String() != "trace\n" {
		t.Errorf("attachment get: %q %v", out.String(), err)
	}
	if err := ticketNextRun(ctx, &TicketNextOptions{ticketDeps: deps}); err == nil || !strings.Contains(err.Error(), "no request is waiting") {
		t.Errorf("next: %v", err)
	}
	out.Reset()
	if err := ticketSweepRun(ctx, &TicketSweepOptions{ticketDeps: deps, DryRun: true}); err != nil {
		t.Errorf("sweep: %v", err)
	}
	if err := ticketCloseRun(ctx, &TicketCloseOptions{ticketDeps: deps, ID: "SUP-1", Input: ticket.ActInput{Action: ticket.ActWithdraw, From: "nobody@else.test"}}); err == nil {
		t.Error("a stranger withdrew the request")
	}
}

// A refused attachment is refused before the store is opened: a first run
// with a wrong path creates no store.
func TestRefusedAttachmentOpensNoStore(t *testing.T) {
	opened := false
	opts := &TicketOpenOptions{ticketDeps: ticketDeps{In: strings.NewReader(""), Out: io.Discard,
		Service: func() (*ticket.Service, error) { opened = true; return nil, errors.New("opened") }, Actor: func() string { return "anna" }},
		Attach: []string{"/dev/zero"}, AttachmentMaxBytes: func() (int64, error) { return 1 << 20, nil }}
	if err := ticketOpenRun(context.Background(), opts); err == nil || opened {
		t.Errorf("err %v, store opened %v", err, opened)
	}
}

func TestTicketShowNextAndComponentsArguments(t *testing.T) {
	var show *TicketShowOptions
	if err := execute(NewCmdTicketShow(&app{}, func(o *TicketShowOptions) error { show = o; return nil }), "sup-12"); err != nil || show.ID != "sup-12" {
		t.Errorf("show: %+v %v", show, err)
	}
	if err := execute(NewCmdTicketShow(&app{}, func(*TicketShowOptions) error { return nil })); err == nil || !strings.Contains(err.Error(), "takes 1 argument") {
		t.Errorf("show without ID: %v", err)
	}
	if err := execute(NewCmdTicketNext(&app{}, func(*TicketNextOptions) error { return nil }), "x"); err == nil || !strings.Contains(err.Error(), "takes no arguments") {
		t.Errorf("next x: %v", err)
	}
	if err := execute(NewCmdReleaseComponents(&app{}, func(*ReleaseComponentsOptions) error { return nil }), "x"); err == nil {
		t.Error("components x accepted")
	}
	ran := false
	if err := execute(NewCmdCustomerList(&app{}, func(*CustomerListOptions) error { ran = true; return nil })); err != nil || !ran {
		t.Errorf("customer list: %v", err)
	}
}
