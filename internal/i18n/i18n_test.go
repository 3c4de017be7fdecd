package i18n

import "testing"

var testCat = Catalogue{
	"en": {"requests.one": "%d request", "requests.other": "%d requests", "hello": "hello, %s", "more": "and %d more"},
	"ru": {"requests.one": "%d обращение", "requests.few": "%d обращения", "requests.many": "%d обращений", "requests.other": "%d обращения", "hello": "привет, %s"},
}

func TestPluralRussian(t *testing.T) {
	p, err := New("ru", testCat)
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{0: "0 обращений", 1: "1 обращение", 2: "2 обращения", 4: "4 обращения", 5: "5 обращений",
		11: "11 обращений", 12: "12 обращений", 14: "14 обращений", 21: "21 обращение", 22: "22 обращения", 25: "25 обращений",
		101: "101 обращение", 111: "111 обращений", 50086: "50086 обращений"} {
		if got := p.N("requests", n); got != want {
			t.Errorf("N(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPluralEnglish(t *testing.T) {
	p := Must("en", testCat)
	for n, want := range map[int]string{0: "0 requests", 1: "1 request", 2: "2 requests", 21: "21 requests"} {
		if got := p.N("requests", n); got != want {
			t.Errorf("N(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFallbacks(t *testing.T) {
	p := Must("ru", testCat)
	if got := p.T("hello", "мир"); got != "привет, мир" {
		t.Errorf("T = %q", got)
	}
	if got := p.T("more", 3); got != "and 3 more" {
		t.Errorf("fallback to English = %q", got)
	}
	if got := p.T("no such key"); got != "no such key" {
		t.Errorf("unknown key = %q", got)
	}
	if _, err := New("de", testCat); err == nil {
		t.Error("New(de) did not fail")
	}
	if got := Must("de", testCat).T("hello", "x"); got != "hello, x" {
		t.Errorf("Must(de) = %q, want English", got)
	}
}

func TestList(t *testing.T) {
	p := Must("en", testCat)
	if got := p.List([]string{"a", "b", "c"}, 2, "more"); got != "a, b and 1 more" {
		t.Errorf("List = %q", got)
	}
	if got := p.List([]string{"a", "b"}, 2, "more"); got != "a, b" {
		t.Errorf("List = %q", got)
	}
}
