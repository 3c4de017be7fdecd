package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sustain-cli/sustain/bizcal"
	"github.com/sustain-cli/sustain/internal/atomicfile"
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
	cmd.AddCommand(newCustomerAddCmd(a), newCustomerListCmd(a), newCustomerShowCmd(a), newCustomerEditCmd(a),
		newCustomerExportCmd(a), newCustomerImportCmd(a))
	return cmd
}

// customerView is a customer as printed.
type customerView struct {
	*ticket.Customer
	ContractActive bool `json:"contract_active"`
}

func (a *app) customerView(c *ticket.Customer, svc *ticket.Service) customerView {
	today := bizcal.DateOf(svc.Now().In(svc.Calendar.Location()))
	return customerView{c, c.ContractActive(today)}
}

func (v customerView) contract() string {
	if v.ContractStart == nil {
		return "none"
	}
	state := "expired or not started"
	if v.ContractActive {
		state = "active"
	}
	return fmt.Sprintf("%s .. %s (%s)", v.ContractStart, v.ContractEnd, state)
}

func (v customerView) Table() output.Table {
	resp := make([]string, len(v.Responsible))
	for i, p := range v.Responsible {
		resp[i] = p.String()
	}
	return output.KV("CODE", v.Code, "NAME", v.Name, "EMAILS", strings.Join(v.Emails, ", "),
		"RESPONSIBLE", strings.Join(resp, ", "), "CONTRACT", v.contract(), "PROJECT ADDRESS", v.ProjectAddress,
		"LANG", cmp.Or(v.Lang, "default"))
}

type customerList []customerView

func (l customerList) Table() output.Table {
	t := output.Table{Header: []string{"CODE", "NAME", "EMAILS", "RESPONSIBLE", "CONTRACT"}}
	for _, v := range l {
		t.Rows = append(t.Rows, []string{v.Code, v.Name, fmt.Sprint(len(v.Emails)), fmt.Sprint(len(v.Responsible)), v.contract()})
	}
	return t
}

// customerFlags are the fields add and edit share.
type customerFlags struct {
	name, projectAddress, start, end string
	lang                             string
	emails, responsible              []string
}

func (f *customerFlags) apply(c *ticket.Customer, cmd *cobra.Command) error {
	if cmd.Flags().Changed("name") {
		c.Name = f.name
	}
	if cmd.Flags().Changed("project-address") {
		c.ProjectAddress = f.projectAddress
	}
	if cmd.Flags().Changed("lang") {
		c.Lang = f.lang
	}
	for _, e := range f.emails {
		addr, err := ticket.ParseEmail(e)
		if err != nil {
			return err
		}
		if !slices.Contains(c.Emails, addr) {
			c.Emails = append(c.Emails, addr)
		}
	}
	for _, r := range f.responsible {
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
		into        **bizcal.Date
	}{{"contract-start", f.start, &c.ContractStart}, {"contract-end", f.end, &c.ContractEnd}} {
		if !cmd.Flags().Changed(d.flag) {
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

func addCustomerFlags(cmd *cobra.Command, f *customerFlags, emailFlag, respFlag string) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "", "the organisation's `NAME`")
	fl.StringArrayVar(&f.emails, emailFlag, nil, "a registered e-mail `ADDRESS` (repeatable)")
	fl.StringArrayVar(&f.responsible, respFlag, nil, `a responsible person, "Name <email>" (repeatable)`)
	fl.StringVar(&f.start, "contract-start", "", "support contract start `DATE` (YYYY-MM-DD)")
	fl.StringVar(&f.end, "contract-end", "", "support contract end `DATE` (YYYY-MM-DD), inclusive")
	fl.StringVar(&f.projectAddress, "project-address", "", "the project's `URL` (A7)")
	fl.StringVar(&f.lang, "lang", "", "the language of the customer's e-mail notices: ru or en (default: mail.lang)")
}

func newCustomerAddCmd(a *app) *cobra.Command {
	var code string
	var f customerFlags
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
			if code == "" || f.name == "" {
				return usagef("customer add needs --code and --name")
			}
			svc, err := a.service()
			if err != nil {
				return err
			}
			c := &ticket.Customer{Code: code, Emails: []string{}, Responsible: []ticket.Person{}}
			if err := f.apply(c, cmd); err != nil {
				return err
			}
			if err := svc.AddCustomer(a.ctx, c); err != nil {
				return err
			}
			return a.print(a.customerView(c, svc))
		},
	}
	cmd.Flags().StringVar(&code, "code", "", "the customer's short `CODE`, used by requests (ACME)")
	addCustomerFlags(cmd, &f, "email", "responsible")
	return cmd
}

func newCustomerEditCmd(a *app) *cobra.Command {
	var f customerFlags
	var removeEmails, removeResponsible []string
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
			svc, err := a.service()
			if err != nil {
				return err
			}
			c, err := svc.EditCustomer(a.ctx, args[0], func(c *ticket.Customer) error {
				if err := f.apply(c, cmd); err != nil {
					return err
				}
				for _, e := range removeEmails {
					c.Emails = slices.DeleteFunc(c.Emails, func(x string) bool { return strings.EqualFold(x, e) })
				}
				for _, e := range removeResponsible {
					c.Responsible = slices.DeleteFunc(c.Responsible, func(p ticket.Person) bool { return strings.EqualFold(p.Email, e) })
				}
				return nil
			})
			if err != nil {
				return err
			}
			return a.print(a.customerView(c, svc))
		},
	}
	addCustomerFlags(cmd, &f, "add-email", "add-responsible")
	cmd.Flags().StringArrayVar(&removeEmails, "remove-email", nil, "remove a registered `ADDRESS` (repeatable)")
	cmd.Flags().StringArrayVar(&removeResponsible, "remove-responsible", nil, "remove the responsible person with this `EMAIL` (repeatable)")
	return cmd
}

func newCustomerListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List customers",
		Example: "  sustain customer list\n  sustain customer list --json | jq -r '.[] | select(.contract_active) | .code'",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service()
			if err != nil {
				return err
			}
			cs, err := svc.Store.Customers(a.ctx)
			if err != nil {
				return err
			}
			out := customerList{}
			for _, c := range cs {
				out = append(out, a.customerView(c, svc))
			}
			return a.print(out)
		},
	}
}

func newCustomerShowCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "show CODE",
		Short:   "Show a customer",
		Long:    "Show a customer.\n\n" + exitStatusHelp,
		Example: "  sustain customer show ACME",
		Args:    exactArgs(1, "the customer's code"),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service()
			if err != nil {
				return err
			}
			c, err := svc.Store.Customer(a.ctx, strings.ToUpper(args[0]))
			if err != nil {
				return err
			}
			return a.print(a.customerView(c, svc))
		},
	}
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

func newCustomerExportCmd(a *app) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the customer base as a customers file (YAML)",
		Long: `Write every customer in the customers-file format: the file the Jira store
reads (jira.requests.customers), meant to be kept and reviewed in git. With
--json, the customers as JSON instead.`,
		Example: "  sustain customer export -o customers.yaml\n  sustain --store ~/old.db customer export > customers.yaml",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := a.service()
			if err != nil {
				return err
			}
			cs, err := svc.Store.Customers(a.ctx)
			if err != nil {
				return err
			}
			var data []byte
			if a.format.JSON || a.format.Template != "" {
				list := customerList{}
				for _, c := range cs {
					list = append(list, a.customerView(c, svc))
				}
				if file == "" {
					return a.print(list)
				}
				var buf bytes.Buffer
				if err := a.format.Print(&buf, list); err != nil {
					return err
				}
				data = buf.Bytes()
			} else if data, err = customerfile.Format(cs); err != nil {
				return err
			}
			if file != "" {
				return atomicfile.Write(file, data, 0o644)
			}
			_, err = a.out.Write(data)
			return err
		},
	}
	cmd.Flags().StringVarP(&file, "output-file", "o", "", "write to `FILE` (atomically) instead of standard output")
	return cmd
}

type importList []ticket.Imported

func (l importList) Table() output.Table {
	t := output.Table{Header: []string{"CODE", "ACTION"}}
	for _, i := range l {
		t.Rows = append(t.Rows, []string{i.Code, i.Action})
	}
	return t
}

func newCustomerImportCmd(a *app) *cobra.Command {
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
			var data []byte
			var err error
			if args[0] == "-" {
				data, err = io.ReadAll(a.in)
			} else {
				data, err = os.ReadFile(args[0])
			}
			if err != nil {
				return usagef("customer import: %v", err)
			}
			cs, err := customerfile.Parse(data, args[0])
			if err != nil {
				return err
			}
			svc, err := a.service()
			if err != nil {
				return err
			}
			done, err := svc.ImportCustomers(a.ctx, cs)
			if err != nil {
				return err
			}
			return a.print(importList(done))
		},
	}
}
