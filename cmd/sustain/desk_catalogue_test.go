package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sustain-cli/sustain/internal/i18n"
	"github.com/sustain-cli/sustain/ticket"
)

// deskSources are the files whose errors a desk command prints.
var deskSources = []string{
	"../../ticket/*.go", "../../ticket/sqlite/*.go", "../../ticket/jira/*.go", "../../mail/*.go",
	"ticket*.go", "customer.go", "calendar.go", "mail*.go", "support.go", "list.go", "app.go", "lang.go",
}

// TestDeskErrorsHaveRussian: every problem.New format (and every usagef
// format of the desk commands) and every literal hint has a Russian entry,
// so an error never reaches a Russian reader in English.
func TestDeskErrorsHaveRussian(t *testing.T) {
	ru := deskCatalogue["ru"]
	seen := 0
	for _, pat := range deskSources {
		files, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var lits []ast.Expr
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "problem" && fn.Sel.Name == "New" && len(call.Args) >= 3 {
						lits = call.Args[1:3]
					}
				case *ast.Ident:
					if fn.Name == "usagef" && len(call.Args) >= 1 {
						lits = call.Args[:1]
					}
				}
				for _, e := range lits {
					lit, ok := e.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue // built at run time: said as it is
					}
					s, _ := strconv.Unquote(lit.Value)
					if !needsWords(s) {
						continue
					}
					seen++
					if _, ok := ru[s]; !ok {
						t.Errorf("%s: no Russian for %q", fset.Position(lit.Pos()), s)
					}
				}
				return true
			})
		}
	}
	if seen < 100 {
		t.Errorf("only %d messages found: the sources moved?", seen)
	}
}

// needsWords: a format of verbs and punctuation only ("%s: %v") says
// nothing of its own.
func needsWords(s string) bool {
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, "%sqdv:,.()-")
		if len(w) > 1 {
			return true
		}
	}
	return false
}

func TestRussianPlurals(t *testing.T) {
	p := deskPrinter("ru")
	for _, c := range []struct {
		noun string
		n    int
		want string
	}{
		{"requests", 1, "1 обращение"}, {"requests", 2, "2 обращения"}, {"requests", 5, "5 обращений"},
		{"requests", 21, "21 обращение"}, {"business days", 21, "21 рабочий день"}, {"business days", 11, "11 рабочих дней"},
		{"in business days", 3, "через 3 рабочих дня"}, {"in business days", 1, "через 1 рабочий день"},
	} {
		if got := p.N(c.noun, c.n); got != c.want {
			t.Errorf("N(%q, %d) = %q, want %q", c.noun, c.n, got, c.want)
		}
	}
	if got := deskPrinter("en").N("in business days", 3); got != "in 3 business days" {
		t.Errorf("English = %q", got)
	}
}

// TestEveryRussianKeyHasFormatsOfEnglish: a translation takes the same
// arguments as its English key, in the same order.
func TestRussianTakesTheSameArguments(t *testing.T) {
	verbs := func(s string) string {
		var out []string
		for i := 0; i < len(s)-1; i++ {
			if s[i] == '%' {
				j := i + 1
				for j < len(s) && strings.IndexByte("0123456789.+-# ", s[j]) >= 0 {
					j++
				}
				if j < len(s) {
					out = append(out, string(s[j]))
				}
				i = j
			}
		}
		return strings.Join(out, "")
	}
	for k, v := range deskCatalogue["ru"] {
		if strings.Contains(k, ":") && !strings.Contains(k, " ") || strings.Contains(k, ".") && !strings.Contains(k, " ") {
			continue // codes and plural forms
		}
		if strings.HasSuffix(k, ".one") || strings.HasSuffix(k, ".few") || strings.HasSuffix(k, ".many") || strings.HasSuffix(k, ".other") {
			continue
		}
		if verbs(k) != verbs(v) {
			t.Errorf("%q -> %q: verbs %q, want %q", k, v, verbs(v), verbs(k))
		}
	}
	_ = i18n.Default
}

// TestEveryActionHasRussian: every history action the service records,
// and those of issue 11's changes (set-priority, unassign, edit, attach),
// has a Russian word.
func TestEveryActionHasRussian(t *testing.T) {
	actions := []string{"set-priority", "unassign", "edit", "attach", string(ticket.ActRepolicy)}
	fset := token.NewFileSet()
	for _, file := range []string{"../../ticket/state.go", "../../ticket/repolicy.go"} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == len(vs.Names) {
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(vs.Names[0].Name, "Act") {
						s, _ := strconv.Unquote(lit.Value)
						actions = append(actions, s)
					}
				}
			}
			return true
		})
	}
	if len(actions) < 15 {
		t.Fatalf("only %d actions found: %v", len(actions), actions)
	}
	for _, a := range actions {
		if _, ok := deskCatalogue["ru"]["action:"+a]; !ok {
			t.Errorf("no Russian for the history action %q", a)
		}
	}
}

// TestEventsInBothLanguages renders the events of issue 11's changes from
// their stored shape, in English as stored and in Russian.
func TestEventsInBothLanguages(t *testing.T) {
	at := time.Date(2026, 5, 12, 10, 0, 0, 0, time.UTC)
	ft := func(t *time.Time) string { return fmtTime(t, time.UTC) }
	cases := []struct {
		e      ticket.Event
		en, ru string
	}{
		{ticket.Event{At: at, Actor: "anna", Action: "set-priority", Detail: "normal->critical", Text: "production is down"},
			"2026-05-12 10:00  anna  set-priority normal->critical: production is down",
			"2026-05-12 10:00  anna  изменён приоритет обычный -> критический: production is down"},
		{ticket.Event{At: at, Actor: "anna", Action: "unassign", Detail: "boris"},
			"2026-05-12 10:00  anna  unassign boris", "2026-05-12 10:00  anna  снято назначение boris"},
		{ticket.Event{At: at, Actor: "anna", Action: "edit", Detail: "subject", Text: "Old subject"},
			"2026-05-12 10:00  anna  edit subject: Old subject", "2026-05-12 10:00  anna  изменено поле «тема»: Old subject"},
		{ticket.Event{At: at, Actor: "anna", Action: "attach", Detail: "app.log, screen.png"},
			"2026-05-12 10:00  anna  attach app.log, screen.png", "2026-05-12 10:00  anna  приложены файлы app.log, screen.png"},
		{ticket.Event{At: at, Actor: "ops@acme.test", Action: "open", Detail: "phone, " + ticket.OutsideHoursNote, To: ticket.StatusNew},
			"2026-05-12 10:00  ops@acme.test  open phone, taken outside the phone hours (Q10)",
			"2026-05-12 10:00  ops@acme.test  открыто (телефон, принято вне часов приёма звонков (Q10))"},
		{ticket.Event{At: at, Actor: "anna", Action: "answer", Text: "Fixed", From: ticket.StatusInProgress, To: ticket.StatusResolved},
			"2026-05-12 10:00  anna  answer [in_progress -> Completed, requires user confirmation]: Fixed",
			"2026-05-12 10:00  anna  дан ответ [в работе -> Завершен, требует подтверждения пользователя]: Fixed"},
	}
	for _, c := range cases {
		if got := sayEvent(deskPrinter("en"), c.e, ft); got != c.en {
			t.Errorf("en: %q, want %q", got, c.en)
		}
		if got := sayEvent(deskPrinter("ru"), c.e, ft); got != c.ru {
			t.Errorf("ru: %q, want %q", got, c.ru)
		}
	}
}

// TestMailCodesHaveRussian: every decision on an incoming message and every
// kind and state of a notice is said in Russian in the mail tables (JSON
// keeps the codes).
func TestMailCodesHaveRussian(t *testing.T) {
	codes := map[string][]string{
		"decision": {"pending", ticket.DecisionOpened, ticket.DecisionAppended, ticket.DecisionQuarantined,
			ticket.DecisionIgnored, ticket.DecisionDuplicate, ticket.DecisionDropped},
		"notice": {ticket.NoticeRegistration, ticket.NoticeInformation, ticket.NoticeAnswer, ticket.NoticeClosure,
			ticket.NoticeRefusal, ticket.NoticeMessage},
		"notice-status": {ticket.NoticeQueued, ticket.NoticeSent, ticket.NoticeFailed},
	}
	for kind, list := range codes {
		for _, c := range list {
			if _, ok := deskCatalogue["ru"][kind+":"+c]; !ok {
				t.Errorf("no Russian for %s %q", kind, c)
			}
		}
	}
	ru := deskPrinter("ru")
	in := &ticket.Inbound{Decision: ticket.DecisionOpened, Request: "SUP-3", As: "ACME"}
	if got := decisionText(in, ru); got != "открыто обращение SUP-3 как ACME" {
		t.Errorf("decision in Russian: %q", got)
	}
	if got := decisionText(in, deskPrinter("en")); got != "opened SUP-3 as ACME" {
		t.Errorf("decision in English: %q", got)
	}
	row := noticeList{items: []*ticket.Notice{{ID: 1, Kind: ticket.NoticeAnswer, Status: ticket.NoticeSent, To: []string{"a@b.test"}}},
		loc: time.UTC, tr: ru}.Table().Rows[0]
	if row[3] != "ответ" || row[5] != "отправлено" {
		t.Errorf("notice row in Russian: %q", row)
	}
}
