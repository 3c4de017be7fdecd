package lazyre

import (
	"regexp"
	"sync"
	"testing"
)

func TestCompiledOnFirstUseOnly(t *testing.T) {
	r := New(`^([a-z]+)-([0-9]+)$`)
	if r.re != nil {
		t.Fatal("compiled before first use")
	}
	if !r.MatchString("srv-40") || r.MatchString("SRV-40") {
		t.Fatal("wrong match")
	}
	first := r.re
	if first == nil {
		t.Fatal("not compiled after use")
	}
	if got := r.FindStringSubmatch("srv-40"); len(got) != 3 || got[2] != "40" {
		t.Fatalf("FindStringSubmatch = %q", got)
	}
	if r.Re() != first {
		t.Fatal("compiled twice")
	}
}

func TestSameAnswersAsRegexp(t *testing.T) {
	const expr = `(?i)\b(re|fwd?):\s*`
	lazy, eager := New(expr), regexp.MustCompile(expr)
	in := "Re: FWD: re:hello fw: x"
	if lazy.ReplaceAllString(in, "") != eager.ReplaceAllString(in, "") ||
		len(lazy.FindAllStringIndex(in, -1)) != len(eager.FindAllStringIndex(in, -1)) ||
		lazy.String() != eager.String() {
		t.Fatal("lazy and eager expressions disagree")
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	r := New(`a+b`)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !r.MatchString("xaab") {
				t.Error("no match")
			}
		}()
	}
	wg.Wait()
}

func TestInvalidPanicsOnUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an invalid expression")
		}
	}()
	r.MatchString("x")
}
