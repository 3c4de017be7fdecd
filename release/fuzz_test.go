package release

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// FuzzKeys: every key found is a whole match of the pattern, taken from
// the text, found once, of the project; its number, when it has one, is
// the digits after its last dash. Seeds are in testdata/fuzz/FuzzKeys.
func FuzzKeys(f *testing.F) {
	all, err := NewKeyFinder("")
	if err != nil {
		f.Fatal(err)
	}
	srv, err := NewKeyFinder("", "srv")
	if err != nil {
		f.Fatal(err)
	}
	whole := regexp.MustCompile(`^` + DefaultKeyPattern + `$`)
	f.Fuzz(func(t *testing.T, text string) {
		keys := all.Keys(text)
		seen := map[string]bool{}
		for _, k := range keys {
			if !whole.MatchString(k) || !strings.Contains(text, k) || seen[k] {
				t.Fatalf("key %q of %q: not a whole key from the text, or twice in %q", k, text, keys)
			}
			seen[k] = true
			n, ok := KeyNumber(k)
			if !ok && len(k)-len(KeyProject(k)) <= 20 {
				t.Fatalf("key %q: no number", k)
			}
			if ok && KeyProject(k)+"-"+strconv.FormatUint(n, 10) != k {
				t.Fatalf("key %q: number %d", k, n)
			}
		}
		j := 0
		for _, k := range srv.Keys(text) {
			for j < len(keys) && keys[j] != k {
				j++
			}
			if j == len(keys) || KeyProject(k) != "SRV" {
				t.Fatalf("SRV keys of %q are not the SRV keys among %q", text, keys)
			}
		}
	})
}

// FuzzTagVersion: a tag name is read as a release only when rendering the
// version gives the same name back, so each version has exactly one tag,
// and versions order as semver or as numbers do. Seeds are in
// testdata/fuzz/FuzzTagVersion.
func FuzzTagVersion(f *testing.F) {
	formats := []string{"v{version}", "{component}/v{version}", "build-{number}", "{number}", "r{number}-final"}
	f.Fuzz(func(t *testing.T, format uint8, name string) {
		tf, err := ParseTagFormat(formats[int(format)%len(formats)], "api")
		if err != nil {
			t.Fatal(err)
		}
		rel, err := tf.parse(name)
		if err != nil {
			return
		}
		if tf.Render(rel.Version) != name || rel.Tag != name {
			t.Fatalf("%q read as %q, which renders as %q", name, rel.Version, tf.Render(rel.Version))
		}
		switch tf.field {
		case "version":
			if rel.semver == nil || rel.semver.String() != rel.Version {
				t.Fatalf("%q: version %q is not canonical", name, rel.Version)
			}
		case "number":
			if rel.number < 1 || strconv.Itoa(rel.number) != rel.Version {
				t.Fatalf("%q: build number %d from %q", name, rel.number, rel.Version)
			}
		}
	})
}
