package jira

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseNetrc(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []NetrcEntry
		err      string
	}{
		{"several machines on one line and across lines",
			"machine a.example.com login ann password p1 machine b.example.com\n  login bob\n  password p2\n",
			[]NetrcEntry{{Machine: "a.example.com", Login: "ann", Password: "p1"}, {Machine: "b.example.com", Login: "bob", Password: "p2"}}, ""},
		{"default entry and account",
			"machine a login ann password p1\ndefault login anonymous password guest account acct\n",
			[]NetrcEntry{{Machine: "a", Login: "ann", Password: "p1"}, {Default: true, Login: "anonymous", Password: "guest", Account: "acct"}}, ""},
		{"comments",
			"# my hosts\nmachine a # the first\n  login ann\n#password wrong\n  password p1\n",
			[]NetrcEntry{{Machine: "a", Login: "ann", Password: "p1"}}, ""},
		{"macdef body is skipped up to the empty line",
			"machine a login ann\nmacdef init\nmachine evil login x password y\ncd /pub\n\nmachine b password p2\n",
			[]NetrcEntry{{Machine: "a", Login: "ann"}, {Machine: "b", Password: "p2"}}, ""},
		{"macdef at the end without an empty line",
			"machine a password p1\nmacdef init\ncd /pub",
			[]NetrcEntry{{Machine: "a", Password: "p1"}}, ""},
		{"quoted values with spaces and escapes",
			`machine a login "ann smith" password "p \"q\" \\ w#x"` + "\n",
			[]NetrcEntry{{Machine: "a", Login: "ann smith", Password: `p "q" \ w#x`}}, ""},
		{"login without password", "machine a login ann\n", []NetrcEntry{{Machine: "a", Login: "ann"}}, ""},
		{"CRLF and tabs", "machine\ta\r\n\tlogin ann\r\n\tpassword p1\r\n", []NetrcEntry{{Machine: "a", Login: "ann", Password: "p1"}}, ""},
		{"empty", "", nil, ""},
		{"unterminated quote", "machine a password \"p1\n", nil, "line 1: unterminated quoted value"},
		{"password before any machine", "password p1\n", nil, "line 1: password before any machine"},
		{"machine without a name", "machine", nil, "machine without a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseNetrc(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func writeFile(t *testing.T, name, data string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

func TestNetrcLookup(t *testing.T) {
	path := writeFile(t, "netrc", "machine other.example.com login o password po\n"+
		"machine JIRA.example.com login bot@example.com password p1\n"+
		"machine jira.example.com login second password p2\n"+
		"default login anon password pd\n", 0o600)
	e, found, warning, err := Netrc(path, "jira.example.com")
	if err != nil || !found || e.Login != "bot@example.com" || e.Password != "p1" || warning != "" {
		t.Errorf("entry %+v found %v warning %q err %v (want the first matching machine, any case)", e, found, warning, err)
	}
	e, found, _, _ = Netrc(path, "elsewhere.example.com")
	if !found || !e.Default || e.Password != "pd" {
		t.Errorf("default entry not used: %+v %v", e, found)
	}
	if _, found, _, err := Netrc(filepath.Join(t.TempDir(), "none"), "x"); found || err != nil {
		t.Errorf("missing file: found %v err %v", found, err)
	}
	open := writeFile(t, "netrc-open", "machine jira.example.com password p1\n", 0o644)
	if _, _, warning, _ := Netrc(open, "jira.example.com"); !strings.Contains(warning, "readable by group or others (mode 0644)") {
		t.Errorf("warning %q", warning)
	}
	nopass := writeFile(t, "netrc-nopass", "machine jira.example.com login ann\n", 0o644)
	if e, found, warning, _ := Netrc(nopass, "jira.example.com"); !found || e.Password != "" || warning != "" {
		t.Errorf("login without password: %+v %v %q", e, found, warning)
	}
	bad := writeFile(t, "netrc-bad", "machine a password \"x\n", 0o600)
	if _, _, _, err := Netrc(bad, "a"); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("err = %v", err)
	}
}

func TestTokenFile(t *testing.T) {
	private := writeFile(t, "tok", "  tok-123  \n", 0o600)
	if tok, warning, err := TokenFile(private); tok != "tok-123" || warning != "" || err != nil {
		t.Errorf("%q %q %v", tok, warning, err)
	}
	shared := writeFile(t, "tok2", "tok-123\n", 0o640)
	if _, warning, _ := TokenFile(shared); !strings.Contains(warning, "chmod 600 "+shared) || strings.Contains(warning, "tok-123") {
		t.Errorf("warning %q", warning)
	}
	empty := writeFile(t, "tok3", "\n", 0o600)
	if _, _, err := TokenFile(empty); err == nil {
		t.Error("an empty token file was accepted")
	}
}

// FuzzParseNetrc: any input parses or fails with an error, and a value
// written quoted reads back as written.
func FuzzParseNetrc(f *testing.F) {
	for _, seed := range []string{
		"machine a login b password c\n",
		"default login x password y account z",
		"machine a\nmacdef m\nbody\n\nmachine b password \"q\\\"x\"",
		"# c\nmachine \"a b\" password \"",
		"password p",
	} {
		f.Add(seed, "p@ss \"w\"\\ord")
	}
	f.Fuzz(func(t *testing.T, data, password string) {
		_, _ = ParseNetrc(data)
		if strings.ContainsAny(password, "\n\r\t") {
			return
		}
		quoted := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(password) + `"`
		got, err := ParseNetrc("machine h login l password " + quoted + "\n")
		if err != nil || len(got) != 1 || got[0].Password != password {
			t.Fatalf("password %q: got %+v, err %v", password, got, err)
		}
	})
}
