package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestVersionStamp builds the binary with the linker flags .goreleaser.yaml
// uses and checks that `sustain version` reports them.
func TestVersionStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	cfg, err := os.ReadFile(filepath.Join("..", "..", ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"main.version", "main.commit", "main.date"} {
		if !regexp.MustCompile(`-X ` + regexp.QuoteMeta(v) + `=`).Match(cfg) {
			t.Fatalf(".goreleaser.yaml does not set %s", v)
		}
	}
	bin := filepath.Join(t.TempDir(), "sustain")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X main.version=1.2.3 -X main.commit=abc123 -X main.date=2026-11-22T10:00:00Z", ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v versionInfo
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	if v.Version != "1.2.3" || v.Commit != "abc123" || v.Date != "2026-11-22T10:00:00Z" {
		t.Errorf("version = %+v", v)
	}
}
