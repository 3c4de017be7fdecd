package mail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// newMaildir makes a Maildir with the given files (relative path → content).
func newMaildir(t *testing.T, files map[string]string) Maildir {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Maildir{Dir: dir}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

func TestMaildirEachAndMarkDone(t *testing.T) {
	md := newMaildir(t, map[string]string{
		"new/1000.a.host":         "Subject: one\r\n\r\nfirst",
		"new/1001.b.host":         "Subject: two\r\n\r\nsecond",
		"cur/0999.c.host:2,RF":    "Subject: unseen in cur\r\n\r\nthird",
		"cur/0998.d.host:2,S":     "Subject: seen\r\n\r\nnot again",
		"cur/0997.e.host:2,FS":    "Subject: seen flagged\r\n\r\nnot again",
		"new/.hidden":             "not a message",
		"tmp/1002.f.host":         "still being delivered",
		"new/1003.g.host:2,":      "Subject: odd name in new\r\n\r\nfourth",
		"cur/0996.h.host":         "Subject: no info\r\n\r\nfifth",
		"new/1004.big.host":       strings.Repeat("x", 100),
		"cur/0995.i.host:2,DFPRT": "Subject: all flags but S\r\n\r\nsixth",
	})
	var got []string
	err := md.Each(context.Background(), 50, func(m *MaildirMessage) error {
		name := filepath.Base(m.Path)
		if name == "1004.big.host" {
			if !m.TooLarge || m.Size != 100 || len(m.Raw) != 50 {
				t.Errorf("big message: TooLarge %v Size %d len(Raw) %d, want true 100 50", m.TooLarge, m.Size, len(m.Raw))
			}
			r, err := m.Open()
			if err != nil {
				t.Fatal(err)
			}
			all := new(strings.Builder)
			if _, err := bufio.NewReader(r).WriteTo(all); err != nil {
				t.Fatal(err)
			}
			if all.Len() != 100 {
				t.Errorf("Open read %d bytes, want 100", all.Len())
			}
		} else if m.TooLarge || int64(len(m.Raw)) != m.Size {
			t.Errorf("%s: TooLarge %v, %d of %d bytes", name, m.TooLarge, len(m.Raw), m.Size)
		}
		got = append(got, name)
		return md.MarkDone(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1000.a.host", "1001.b.host", "1003.g.host:2,", "1004.big.host",
		"0995.i.host:2,DFPRT", "0996.h.host", "0999.c.host:2,RF"}
	if !slices.Equal(got, want) {
		t.Errorf("handed over %q, want %q", got, want)
	}
	if n := dirNames(t, filepath.Join(md.Dir, "new")); !slices.Equal(n, []string{".hidden"}) {
		t.Errorf("new/ left with %q", n)
	}
	wantCur := []string{"0995.i.host:2,DFPRST", "0996.h.host:2,S", "0997.e.host:2,FS", "0998.d.host:2,S",
		"0999.c.host:2,FRS", "1000.a.host:2,S", "1001.b.host:2,S", "1003.g.host:2,S", "1004.big.host:2,S"}
	if n := dirNames(t, filepath.Join(md.Dir, "cur")); !slices.Equal(n, wantCur) {
		t.Errorf("cur/ is %q, want %q", n, wantCur)
	}
	// A second run finds nothing to do.
	err = md.Each(context.Background(), 50, func(m *MaildirMessage) error {
		t.Errorf("second run got %s", m.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMaildirErrorKeepsMessage(t *testing.T) {
	md := newMaildir(t, map[string]string{"new/1.x": "a", "new/2.x": "b"})
	stop := errors.New("store busy")
	calls := 0
	err := md.Each(context.Background(), 1<<20, func(m *MaildirMessage) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d calls, want store busy after 1", err, calls)
	}
	if n := dirNames(t, filepath.Join(md.Dir, "new")); len(n) != 2 {
		t.Errorf("new/ has %q, want both messages still there", n)
	}
	// Without MarkDone a message is handed over again next time.
	calls = 0
	if err := md.Each(context.Background(), 1<<20, func(*MaildirMessage) error { calls++; return nil }); err != nil || calls != 2 {
		t.Errorf("next run: %d calls, err %v; want 2, nil", calls, err)
	}
}

func TestMaildirNotAMaildir(t *testing.T) {
	err := Maildir{Dir: t.TempDir()}.Each(context.Background(), 10, func(*MaildirMessage) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "not a Maildir") {
		t.Errorf("err = %v, want not a Maildir", err)
	}
}

func TestMaildirConcurrentRunsTakeEachMessageOnce(t *testing.T) {
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("new/%04d.m.host", i)] = fmt.Sprintf("Subject: %d\r\n\r\nbody", i)
		if i%3 == 0 {
			files[fmt.Sprintf("cur/%04d.c.host:2,R", i)] = "Subject: replied\r\n\r\nunseen"
		}
	}
	md := newMaildir(t, files)
	var mu sync.Mutex
	seen := map[string]int{}
	perRun := make([]int, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for run := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- md.Each(context.Background(), 1<<20, func(m *MaildirMessage) error {
				key := strings.SplitN(filepath.Base(m.Path), ":", 2)[0]
				mu.Lock()
				seen[key]++
				perRun[run]++
				mu.Unlock()
				return md.MarkDone(m)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 400 {
		t.Errorf("%d messages handled, want 400", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s handled %d times", k, n)
		}
	}
	t.Logf("runs handled %v", perRun)
	if n := dirNames(t, filepath.Join(md.Dir, "new")); len(n) != 0 {
		t.Errorf("new/ still has %d files", len(n))
	}
	for _, n := range dirNames(t, filepath.Join(md.Dir, "cur")) {
		if !strings.ContainsRune(maildirFlags(n), 'S') {
			t.Errorf("%s not marked seen", n)
		}
	}
}

// TestMaildirHelperProcess is the run that gets killed in
// TestMaildirKilledRunReleasesItsClaim; it does nothing in a normal test run.
func TestMaildirHelperProcess(t *testing.T) {
	dir := os.Getenv("SUSTAIN_TEST_MAILDIR_KILLED_RUN")
	if dir == "" {
		t.Skip("helper process only")
	}
	_ = Maildir{Dir: dir}.Each(context.Background(), 1<<20, func(m *MaildirMessage) error {
		fmt.Printf("claimed %s\n", filepath.Base(m.Path))
		for {
			time.Sleep(time.Hour) // hold the claim until killed
		}
	})
}

func TestMaildirKilledRunReleasesItsClaim(t *testing.T) {
	md := newMaildir(t, map[string]string{"new/1.first": "a", "new/2.second": "b"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard only
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMaildirHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "SUSTAIN_TEST_MAILDIR_KILLED_RUN="+md.Dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	sc := bufio.NewScanner(out)
	claimed := ""
	for sc.Scan() {
		if s, ok := strings.CutPrefix(sc.Text(), "claimed "); ok {
			claimed = s
			break
		}
	}
	if claimed != "1.first" {
		t.Fatalf("helper claimed %q, want 1.first", claimed)
	}

	// While the other run lives, its message is skipped, the rest is taken.
	var got []string
	each := func(m *MaildirMessage) error {
		got = append(got, filepath.Base(m.Path))
		return md.MarkDone(m)
	}
	if err := md.Each(ctx, 1<<20, each); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"2.second"}) {
		t.Fatalf("beside a live run got %q, want only 2.second", got)
	}

	// Killed: its claim goes with it, and the next run takes the message.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	got = nil
	if err := md.Each(ctx, 1<<20, each); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"1.first"}) {
		t.Fatalf("after the kill got %q, want 1.first", got)
	}
	if n := dirNames(t, filepath.Join(md.Dir, "cur")); !slices.Equal(n, []string{"1.first:2,S", "2.second:2,S"}) {
		t.Errorf("cur/ is %q", n)
	}
}

func TestMaildirMarkDoneFollowsAMailClientsRename(t *testing.T) {
	md := newMaildir(t, map[string]string{"new/1.x": "a"})
	err := md.Each(context.Background(), 10, func(m *MaildirMessage) error {
		// A mail client, which knows nothing of our lock, reads it meanwhile.
		if err := os.Rename(m.Path, filepath.Join(md.Dir, "cur", "1.x:2,R")); err != nil {
			t.Fatal(err)
		}
		return md.MarkDone(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := dirNames(t, filepath.Join(md.Dir, "cur")); !slices.Equal(n, []string{"1.x:2,RS"}) {
		t.Errorf("cur/ is %q", n)
	}
	if err := md.MarkDone(&MaildirMessage{Path: filepath.Join(md.Dir, "cur", "1.x:2,RS")}); err == nil {
		t.Error("MarkDone outside Each succeeded")
	}
}

// TestMaildirTakesOnlyRegularFiles: a FIFO, a symlink and an unreadable
// file are skipped with a warning naming each, and the messages after
// them are still taken; the symlink's target is never read.
func TestMaildirTakesOnlyRegularFiles(t *testing.T) {
	md := newMaildir(t, map[string]string{
		"new/1005.ok.host": "Subject: ok\r\n\r\nafter the bad ones",
	})
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("root:x:0:0"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(md.Dir, "new", "1002.link.host")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(md.Dir, "new", "1001.fifo.host"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(md.Dir, "new", "1003.locked.host")
	if err := os.WriteFile(unreadable, []byte("Subject: x\r\n\r\ny"), 0o000); err != nil {
		t.Fatal(err)
	}
	canRead := false
	if f, err := os.Open(unreadable); err == nil {
		canRead = true // root reads it anyway
		f.Close()
	}
	var warnings []string
	md.Warn = func(msg string) { warnings = append(warnings, msg) }
	var got []string
	err := md.Each(context.Background(), 1<<20, func(m *MaildirMessage) error {
		got = append(got, string(m.Raw))
		return md.MarkDone(m)
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	for _, s := range got {
		if strings.Contains(s, "root:") {
			t.Errorf("the symlink's target was read: %q", s)
		}
	}
	if !slices.Contains(got, "Subject: ok\r\n\r\nafter the bad ones") {
		t.Errorf("messages taken = %q; the good one is missing", got)
	}
	want := []string{"1001.fifo.host", "1002.link.host"}
	if !canRead {
		want = append(want, "1003.locked.host")
	}
	joined := strings.Join(warnings, "\n")
	for _, name := range want {
		if !strings.Contains(joined, name) {
			t.Errorf("no warning names %s: %q", name, warnings)
		}
	}
	// The symlink and the FIFO stay in new/; only real messages move.
	if names := dirNames(t, filepath.Join(md.Dir, "new")); !slices.Contains(names, "1002.link.host") || !slices.Contains(names, "1001.fifo.host") {
		t.Errorf("new/ = %q", names)
	}
}
