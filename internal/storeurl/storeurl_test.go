package storeurl

import (
	"net/url"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Store
	}{
		{"sustain.db", Store{Kind: SQLite, Path: "sustain.db"}},
		{"/x/h#frag.db", Store{Kind: SQLite, Path: "/x/h#frag.db"}},
		{"/x/a%41?b.db", Store{Kind: SQLite, Path: "/x/a%41?b.db"}},
		{"jira", Store{Kind: Jira}},
		{"jira:https://example.atlassian.net?project=sup", Store{Kind: Jira, Site: "https://example.atlassian.net", Project: "SUP"}},
		{"jira:https://jira.corp.test/jira/?project=OPS_2", Store{Kind: Jira, Site: "https://jira.corp.test/jira", Project: "OPS_2"}},
		{"jira:http://localhost:8080", Store{Kind: Jira, Site: "http://localhost:8080"}},
		{"jirafile.db", Store{Kind: SQLite, Path: "jirafile.db"}},
	}
	for _, tc := range cases {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"":                                      "empty store",
		"a\x00b":                                "NUL",
		"jira:example.atlassian.net":            "write jira:https://",
		"jira:ftp://example.test":               "write jira:https://",
		"jira:https://":                         "write jira:https://",
		"jira:https://me:tok@x.test?project=A":  "credentials do not belong",
		"jira:https://x.test?project=A&pages=2": `unknown parameter "pages"`,
		"jira:https://x.test?project=1A":        "not a Jira project key",
		"jira:https://x.test?project=A%3B":      "not a Jira project key",
		"jira:https://x.test?project=%zz":       "bad query",
	} {
		_, err := Parse(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): %v, want %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "me:tok") {
			t.Errorf("Parse(%q) echoed the credential: %v", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"sustain.db", "jira", "jira:https://example.atlassian.net?project=SUP", "jira:http://[::1]:8080/x?project=a",
		"jira:https://u:p@h?project=A", "/x/h#frag.db", "jira:https://h#frag?project=X", "jira:https://h/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := Parse(s)
		if err != nil {
			return
		}
		switch st.Kind {
		case SQLite:
			if st.Path != s {
				t.Fatalf("Parse(%q) changed the path: %q", s, st.Path)
			}
		case Jira:
			if u, err := url.Parse(st.Site); st.Site != "" && (err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "") {
				t.Fatalf("Parse(%q) left a query, fragment or credential in the site: %q", s, st.Site)
			}
			if !validKey(st.Project) && st.Project != "" {
				t.Fatalf("Parse(%q): project %q", s, st.Project)
			}
		default:
			t.Fatalf("Parse(%q): kind %d", s, st.Kind)
		}
		again, err := Parse(st.String())
		if err != nil || again != st {
			t.Fatalf("round trip of %q: %q gives %+v, %v; want %+v", s, st.String(), again, err, st)
		}
	})
}
