package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/atomicfile"
	"github.com/sustain-cli/sustain/internal/input"
	"github.com/sustain-cli/sustain/internal/output"
	"github.com/sustain-cli/sustain/ticket"
	"github.com/sustain-cli/sustain/ticket/customerfile"
)

func newCustomerCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customer",
		Short: "The customer base: registered addresses, responsible persons, contracts",
		Long: `The customer base of the support regulations: an organisation with a short
code, its registered e-mail addresses (Q10: e-mail requests only from them),
responsible persons who may confirm closure (A12), a support contract (A4:
priority service while it is active) and a project address (A7).`,
		Args: cobra.ArbitraryArgs,
		RunE: groupRun,
	}
	cmd.AddCommand(NewCmdCustomerAdd(a, nil), NewCmdCustomerList(a, nil), NewCmdCustomerShow(a, nil), NewCmdCustomerEdit(a, nil),
		NewCmdCustomerExport(a, nil), NewCmdCustomerImport(a, nil))
	addLangFlag(a, cmd)
	return cmd
}

// customerView is a customer as printed.
type customerView struct {
	*ticket.Customer
	ContractActive bool                `json:"contract_active"`
	say            func(string) string // the reader's language; nil is English
}

// in is v said through tr (output.Format.Tr).
func (v customerView) in(tr func(string) string) customerView {
	v.say = tr
	return v
}

func (v customerView) word(s string) string {
	if v.say == nil {
		return s
	}
	return v.say(s)
}

func customerViewOf(c *ticket.Customer, svc *ticket.Service) customerView {
	today := bizcal.DateOf(svc.Now().In(svc.Calendar.Location()))
	return customerView{Customer: c, ContractActive: c.ContractActive(today)}
}

func (v customerView) contract() string {
	if v.ContractStart == nil {
		return v.word("none")
	}
	state := "expired or not started"
	if v.ContractActive {
		state = "active"
	}
	return fmt.Sprintf("%s .. %s (%s)", v.ContractStart, v.ContractEnd, v.word(state))
}

func (v customerView) Table() output.Table {
	resp := make([]string, len(v.Responsible))
	for i, p := range v.Responsible {
		resp[i] = p.String()
	}
	return output.KV("CODE", v.Code, "NAME", v.Name, "EMAILS", strings.Join(v.Emails, ", "),
		"RESPONSIBLE", strings.Join(resp, ", "), "CONTRACT", v.contract(), "PROJECT ADDRESS", v.ProjectAddress,
		"LANG", cmp.Or(v.Lang, v.word("default")))
}

type customerList []customerView

func (l customerList) Table() output.Table {
	t := output.Table{Header: []string{"CODE", "NAME", "EMAILS", "RESPONSIBLE", "CONTRACT"}}
	for _, v := range l {
		t.Rows = append(t.Rows, []string{v.Code, v.Name, fmt.Sprint(len(v.Emails)), fmt.Sprint(len(v.Responsible)), v.contract()})
	}
	return t
}

// customerDeps is what every customer command needs.
type customerDeps struct {
	In      io.Reader
	Out     io.Writer
	Format  output.Format
	Service func() (*ticket.Service, error)
}

func (a *app) customerDeps() customerDeps {
	return customerDeps{In: a.in, Out: a.out, Format: a.deskFormat(), Service: a.service}
}

// CustomerFields are the fields add and edit share; the *Set fields say
// which flags were given, so an empty value can clear a field.
type CustomerFields struct {
	Name, ProjectAddress, ContractStart, ContractEnd             string
	NameSet, ProjectAddressSet, ContractStartSet, ContractEndSet bool
	Lang                                                         string // of the customer's e-mail notices
	LangSet                                                      bool
	Emails, Responsible                                          []string
}

// apply changes c as the fields say.
func (f *CustomerFields) apply(c *ticket.Customer) error {
	if f.NameSet {
		c.Name = f.Name
	}
	if f.ProjectAddressSet {
		c.ProjectAddress = f.ProjectAddress
	}
	if f.LangSet {
		c.Lang = f.Lang
	}
	for _, e := range f.Emails {
		addr, err := ticket.ParseEmail(e)
		if err != nil {
			return err
		}
		if !slices.Contains(c.Emails, addr) {
			c.Emails = append(c.Emails, addr)
		}
	}
	for _, r := range f.Responsible {
		p, err := ticket.ParsePerson(r)
		if err != nil {
			return err
		}
		if !c.IsResponsible(p.Email) {
			c.Responsible = append(c.Responsible, p)
		}
	}
	for _, d := range []struct {
		flag, value string
		set         bool
		into        **bizcal.Date
	}{{"contract-start", f.ContractStart, f.ContractStartSet, &c.ContractStart}, {"contract-end", f.ContractEnd, f.ContractEndSet, &c.ContractEnd}} {
		if !d.set {
			continue
		}
		if d.value == "" {
			*d.into = nil
			continue
		}
		v, err := bizcal.ParseDate(d.value)
		if err != nil {
			return usagef("--%s: %v", d.flag, err)
		}
		*d.into = &v
	}
	return nil
}

func addCustomerFlags(cmd *cobra.Command, f *CustomerFields, emailFlag, respFlag string) {
	fl := cmd.Flags()
	fl.StringVar(&f.Name, "name", "", "the organisation's `NAME`")
	fl.StringArrayVar(&f.Emails, emailFlag, nil, "a registered e-mail `ADDRESS` (repeatable)")
	fl.StringArrayVar(&f.Responsible, respFlag, nil, `a responsible person, "Name <email>" (repeatable)`)
	fl.StringVar(&f.ContractStart, "contract-start", "", "support contract start `DATE` (YYYY-MM-DD)")
	fl.StringVar(&f.ContractEnd, "contract-end", "", "support contract end `DATE` (YYYY-MM-DD), inclusive")
	fl.StringVar(&f.ProjectAddress, "project-address", "", "the project's `URL` (A7)")
	fl.StringVar(&f.Lang, "notice-lang", "", "the language of the customer's e-mail notices: ru or en (default: mail.lang)")
}

// setFlags records which of the shared flags were given.
func (f *CustomerFields) setFlags(cmd *cobra.Command) {
	ch := cmd.Flags().Changed
	f.NameSet, f.ProjectAddressSet = ch("name"), ch("project-address")
	f.ContractStartSet, f.ContractEndSet = ch("contract-start"), ch("contract-end")
	f.LangSet = ch("notice-lang")
}

// --- add ---

type CustomerAddOptions struct {
	customerDeps
	Code   string
	Fields CustomerFields
}

func NewCmdCustomerAdd(a *app, runF func(*CustomerAddOptions) error) *cobra.Command {
	opts := &CustomerAddOptions{}
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add a customer",
		Long:  "Add a customer to the customer base.\n\n" + exitStatusHelp,
		Example: `  sustain customer add --code ACME --name "Acme LLC" --email ops@acme.test \
    --responsible "Ivan Petrov <ivan@acme.test>" \
    --contract-start 2026-01-01 --contract-end 2027-12-31 \
    --project-address https://acme.example/app`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Code == "" || opts.Fields.Name == "" {
				return usagef("customer add needs --code and --name")
			}
			opts.Fields.setFlags(cmd)
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerAddRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Code, "code", "", "the customer's short `CODE`, used by requests (ACME)")
	addCustomerFlags(cmd, &opts.Fields, "email", "responsible")
	return cmd
}

func customerAddRun(ctx context.Context, opts *CustomerAddOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	c := &ticket.Customer{Code: opts.Code, Emails: []string{}, Responsible: []ticket.Person{}}
	if err := opts.Fields.apply(c); err != nil {
		return err
	}
	if err := svc.AddCustomer(ctx, c); err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, customerViewOf(c, svc).in(opts.Format.Tr))
}

// --- edit ---

type CustomerEditOptions struct {
	customerDeps
	Code                            string
	Fields                          CustomerFields
	RemoveEmails, RemoveResponsible []string
}

func NewCmdCustomerEdit(a *app, runF func(*CustomerEditOptions) error) *cobra.Command {
	opts := &CustomerEditOptions{}
	cmd := &cobra.Command{
		Use:   "edit CODE",
		Short: "Change a customer: name, addresses, responsible persons, contract",
		Long: `Change a customer. Addresses and responsible persons are added with
--add-email / --add-responsible and removed with --remove-email /
--remove-responsible (by e-mail); an empty --contract-start and
--contract-end remove the contract.

` + exitStatusHelp,
		Example: `  sustain customer edit ACME --add-email support@acme.test
  sustain customer edit ACME --contract-end 2028-12-31
  sustain customer edit ACME --remove-responsible ivan@acme.test`,
		Args: exactArgs(1, "the customer's code"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Code = args[0]
			opts.Fields.setFlags(cmd)
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerEditRun(cmd.Context(), opts)
		},
	}
	addCustomerFlags(cmd, &opts.Fields, "add-email", "add-responsible")
	cmd.Flags().StringArrayVar(&opts.RemoveEmails, "remove-email", nil, "remove a registered `ADDRESS` (repeatable)")
	cmd.Flags().StringArrayVar(&opts.RemoveResponsible, "remove-responsible", nil, "remove the responsible person with this `EMAIL` (repeatable)")
	return cmd
}

func customerEditRun(ctx context.Context, opts *CustomerEditOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	c, err := svc.EditCustomer(ctx, opts.Code, func(c *ticket.Customer) error {
		if err := opts.Fields.apply(c); err != nil {
			return err
		}
		for _, e := range opts.RemoveEmails {
			c.Emails = slices.DeleteFunc(c.Emails, func(x string) bool { return strings.EqualFold(x, e) })
		}
		for _, e := range opts.RemoveResponsible {
			c.Responsible = slices.DeleteFunc(c.Responsible, func(p ticket.Person) bool { return strings.EqualFold(p.Email, e) })
		}
		return nil
	})
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, customerViewOf(c, svc).in(opts.Format.Tr))
}

// --- list, show ---

type CustomerListOptions struct {
	customerDeps
	List listFlags
}

func NewCmdCustomerList(a *app, runF func(*CustomerListOptions) error) *cobra.Command {
	opts := &CustomerListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List customers",
		Long: `List customers: the first 30 by code unless --limit N or --all; --sort name
orders them by name. On a terminal a footer says when rows were left out.

` + exitStatusHelp,
		Example: "  sustain customer list\n  sustain customer list --all --json | jq -r '.[] | select(.contract_active) | .code'\n  sustain customer list --all --jq '.[].code'",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.List.check(); err != nil {
				return err
			}
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerListRun(cmd.Context(), opts)
		},
	}
	addListFlags(cmd, &opts.List, "`ORDER`: code or name", "code", "name")
	return cmd
}

func customerListRun(ctx context.Context, opts *CustomerListOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := svc.Store.Customers(ctx)
	if err != nil {
		return err
	}
	if opts.List.Sort == "name" {
		slices.SortStableFunc(cs, func(a, b *ticket.Customer) int {
			return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.Code, b.Code))
		})
	}
	total := len(cs)
	cs, more := cut(cs, opts.List.max())
	out := customerList{}
	for _, c := range cs {
		out = append(out, customerViewOf(c, svc).in(opts.Format.Tr))
	}
	return opts.Format.Print(opts.Out, footed{out, footer(len(out), total, more)})
}

type CustomerShowOptions struct {
	customerDeps
	Code string
}

func NewCmdCustomerShow(a *app, runF func(*CustomerShowOptions) error) *cobra.Command {
	opts := &CustomerShowOptions{}
	return &cobra.Command{
		Use:     "show CODE",
		Short:   "Show a customer",
		Long:    "Show a customer.\n\n" + exitStatusHelp,
		Example: "  sustain customer show ACME",
		Args:    exactArgs(1, "the customer's code"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Code = strings.ToUpper(args[0])
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerShowRun(cmd.Context(), opts)
		},
	}
}

func customerShowRun(ctx context.Context, opts *CustomerShowOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	c, err := svc.Store.Customer(ctx, opts.Code)
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, customerViewOf(c, svc).in(opts.Format.Tr))
}

// exactArgs wants n arguments; what names them for the message.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument(s), %s; got %d", cmd.CommandPath(), n, what, len(args))
		}
		return nil
	}
}

type CustomerExportOptions struct {
	customerDeps
	File string
}

func NewCmdCustomerExport(a *app, runF func(*CustomerExportOptions) error) *cobra.Command {
	opts := &CustomerExportOptions{}
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the customer base as a customers file (YAML)",
		Long: `Write every customer in the customers-file format: the file the Jira store
reads (jira.requests.customers), meant to be kept and reviewed in git. With
--json, the customers as JSON instead.`,
		Example: "  sustain customer export -o customers.yaml\n  sustain --store ~/old.db customer export > customers.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerExportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "output-file", "o", "", "write to `FILE` (atomically) instead of standard output")
	return cmd
}

func customerExportRun(ctx context.Context, opts *CustomerExportOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := svc.Store.Customers(ctx)
	if err != nil {
		return err
	}
	var data []byte
	if opts.Format.JSON || opts.Format.Template != "" {
		list := customerList{}
		for _, c := range cs {
			list = append(list, customerViewOf(c, svc).in(opts.Format.Tr))
		}
		if opts.File == "" {
			return opts.Format.Print(opts.Out, list)
		}
		var buf bytes.Buffer
		if err := opts.Format.Print(&buf, list); err != nil {
			return err
		}
		data = buf.Bytes()
	} else if data, err = customerfile.Format(cs); err != nil {
		return err
	}
	if opts.File != "" {
		return atomicfile.Write(opts.File, data, 0o644)
	}
	_, err = opts.Out.Write(data)
	return err
}

type importList []ticket.Imported

func (l importList) Table() output.Table {
	t := output.Table{Header: []string{"CODE", "ACTION"}}
	for _, i := range l {
		t.Rows = append(t.Rows, []string{i.Code, i.Action})
	}
	return t
}

// customersFileMaxBytes bounds a customers file read for import: some
// hundred thousand customers, and not /dev/zero.
const customersFileMaxBytes = 64 << 20

type CustomerImportOptions struct {
	customerDeps
	File string // - for standard input
}

func NewCmdCustomerImport(a *app, runF func(*CustomerImportOptions) error) *cobra.Command {
	opts := &CustomerImportOptions{}
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Add and update customers from a customers file (YAML; - reads standard input)",
		Long: `Read a customers file (the format of 'customer export'), check every entry,
then add the customers that are new and update those that differ. Nothing is
written when any entry is invalid. Customers not in the file are kept.

` + exitStatusHelp,
		Example: "  sustain customer import customers.yaml\n  sustain --store jira customer import - < customers.yaml",
		Args:    exactArgs(1, "the customers file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.customerDeps = a.customerDeps()
			if runF != nil {
				return runF(opts)
			}
			return customerImportRun(cmd.Context(), opts)
		},
	}
}

func customerImportRun(ctx context.Context, opts *CustomerImportOptions) error {
	var data []byte
	var err error
	if opts.File == "-" {
		data, err = input.ReadAllContext(ctx, opts.In, "standard input", customersFileMaxBytes)
	} else {
		data, err = input.ReadFile(opts.File, customersFileMaxBytes)
	}
	if err != nil {
		return inputError(err, "customer import")
	}
	cs, err := customerfile.Parse(data, opts.File)
	if err != nil {
		return err
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	done, err := svc.ImportCustomers(ctx, cs)
	if err != nil {
		return err
	}
	return opts.Format.Print(opts.Out, importList(done))
}
