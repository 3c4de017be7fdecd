package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/sqlite"
)

// testService is the support service over a real SQLite store in a
// temporary directory, at a fixed time, under regulation Q.
func testService(t *testing.T) func() (*ticket.Service, error) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sustain.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	msk := time.FixedZone("MSK", 3*3600)
	svc := &ticket.Service{
		Store:    store,
		Policy:   ticket.Policy{Prefix: "SUP", AutocloseBusinessDays: 10, AttachmentMaxBytes: 1 << 20},
		Calendar: bizcal.New(bizcal.Russian(), msk, 9*time.Hour, 18*time.Hour, nil),
		Now:      func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, msk) },
	}
	return func() (*ticket.Service, error) { return svc, nil }
}

func TestCustomerFlags(t *testing.T) {
	var add *CustomerAddOptions
	cmd := NewCmdCustomerAdd(&app{}, func(o *CustomerAddOptions) error { add = o; return nil })
	cmd.SetArgs([]string{"--code", "ACME", "--name", "Acme", "--email", "a@acme.test", "--email", "b@acme.test", "--contract-end", ""})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := CustomerFields{Name: "Acme", NameSet: true, ContractEndSet: true, Emails: []string{"a@acme.test", "b@acme.test"}}
	if add.Code != "ACME" || !reflect.DeepEqual(add.Fields, want) {
		t.Errorf("add: %+v", add)
	}
	for _, args := range [][]string{{"--code", "ACME"}, {"--name", "Acme"}, {"--code", "A", "--name", "B", "extra"}} {
		cmd := NewCmdCustomerAdd(&app{}, func(*CustomerAddOptions) error { t.Error("ran"); return nil })
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.Execute(); err == nil {
			t.Errorf("add %v: no error", args)
		}
	}
	var edit *CustomerEditOptions
	cmd = NewCmdCustomerEdit(&app{}, func(o *CustomerEditOptions) error { edit = o; return nil })
	cmd.SetArgs([]string{"acme", "--remove-email", "a@acme.test", "--contract-start", "2026-01-01"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if edit.Code != "acme" || !reflect.DeepEqual(edit.RemoveEmails, []string{"a@acme.test"}) || !edit.Fields.ContractStartSet || edit.Fields.NameSet {
		t.Errorf("edit: %+v", edit)
	}
	var show *CustomerShowOptions
	cmd = NewCmdCustomerShow(&app{}, func(o *CustomerShowOptions) error { show = o; return nil })
	cmd.SetArgs([]string{"acme"})
	if err := cmd.Execute(); err != nil || show.Code != "ACME" {
		t.Errorf("show: %+v %v", show, err)
	}
	var exp *CustomerExportOptions
	cmd = NewCmdCustomerExport(&app{}, func(o *CustomerExportOptions) error { exp = o; return nil })
	cmd.SetArgs([]string{"-o", "c.yaml"})
	if err := cmd.Execute(); err != nil || exp.File != "c.yaml" {
		t.Errorf("export: %+v %v", exp, err)
	}
	var imp *CustomerImportOptions
	cmd = NewCmdCustomerImport(&app{}, func(o *CustomerImportOptions) error { imp = o; return nil })
	cmd.SetArgs([]string{"-"})
	if err := cmd.Execute(); err != nil || imp.File != "-" {
		t.Errorf("import: %+v %v", imp, err)
	}
}

func TestCustomerRuns(t *testing.T) {
	ctx := context.Background()
	var out bytes.Buffer
	deps := customerDeps{Out: &out, Service: testService(t)}
	err := customerAddRun(ctx, &CustomerAddOptions{customerDeps: deps, Code: "ACME", Fields: CustomerFields{
		Name: "Acme\x1b]0;owned\x07", NameSet: true, Emails: []string{"ops@acme.test"},
		ContractStart: "2026-01-01", ContractStartSet: true, ContractEnd: "2027-12-31", ContractEndSet: true}})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "Acme^[]0;owned^G") || !strings.Contains(s, "(active)") {
		t.Errorf("add printed %q", s)
	}
	out.Reset()
	if err := customerEditRun(ctx, &CustomerEditOptions{customerDeps: deps, Code: "ACME", RemoveEmails: []string{"OPS@acme.test"},
		Fields: CustomerFields{ContractEndSet: true, ContractStartSet: true}}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "CONTRACT\tnone") || strings.Contains(s, "ops@acme.test") {
		t.Errorf("edit printed %q", s)
	}
	out.Reset()
	deps.Format = output.Format{JSON: true}
	if err := customerListRun(ctx, &CustomerListOptions{customerDeps: deps, List: listFlags{Limit: defaultLimit}}); err != nil || !strings.Contains(out.String(), `"name": "Acme\u001b]0;owned\u0007"`) {
		t.Errorf("list --json: %q %v", out.String(), err)
	}
	out.Reset()
	deps.Format = output.Format{}
	if err := customerShowRun(ctx, &CustomerShowOptions{customerDeps: deps, Code: "NOPE"}); err == nil {
		t.Error("show of an unknown customer did not fail")
	}
	// Export, then import what was exported: nothing changes.
	file := filepath.Join(t.TempDir(), "customers.yaml")
	if err := customerExportRun(ctx, &CustomerExportOptions{customerDeps: deps, File: file}); err != nil {
		t.Fatal(err)
	}
	deps.In = strings.NewReader(mustRead(t, file))
	if err := customerImportRun(ctx, &CustomerImportOptions{customerDeps: deps, File: "-"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ACME") {
		t.Errorf("import printed %q", out.String())
	}
	// An endless customers file is refused at its limit.
	if err := customerImportRun(ctx, &CustomerImportOptions{customerDeps: deps, File: "/dev/zero"}); err == nil || !strings.Contains(err.Error(), "a device") {
		t.Errorf("import /dev/zero: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
