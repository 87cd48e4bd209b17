package leftover

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestAddRemoveAndMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sshdash", FileName) // the directory does not exist yet
	s := New(path, 0, nil, nil)
	if got := s.Hosts(); len(got) != 0 {
		t.Fatalf("missing file: %v", got)
	}
	for _, a := range []string{"web", "db", "web"} {
		if err := s.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Hosts(); !reflect.DeepEqual(got, []string{"db", "web"}) {
		t.Fatalf("hosts %v", got)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
	if err := s.Remove("web", "nothere"); err != nil {
		t.Fatal(err)
	}
	if got := s.Hosts(); !reflect.DeepEqual(got, []string{"db"}) {
		t.Fatalf("after remove: %v", got)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sshdash", "."+FileName+".*"))
	for _, f := range left {
		if !strings.HasSuffix(f, ".lock") {
			t.Fatalf("temporary file left: %s", f)
		}
	}
}

func TestExpiredEntriesDropped(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), FileName)
	s := New(path, 7*24*time.Hour, c.now, nil)
	if err := s.Add("old"); err != nil {
		t.Fatal(err)
	}
	c.add(6 * 24 * time.Hour)
	if err := s.Add("new"); err != nil {
		t.Fatal(err)
	}
	c.add(2 * 24 * time.Hour) // old is 8 days old, new 2
	if got := s.Hosts(); !reflect.DeepEqual(got, []string{"new"}) {
		t.Fatalf("hosts %v, want only new", got)
	}
	if err := s.Remove("nothere"); err != nil { // rewrites without the expired one
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "old") {
		t.Fatalf("expired entry still in the file:\n%s", b)
	}
	if got := New(path, 0, c.now, nil).Hosts(); !reflect.DeepEqual(got, []string{"new"}) {
		t.Fatalf("ttl off: %v", got)
	}
}

// A corrupt or foreign file is logged and ignored, never fatal, and the
// next update rewrites it.
func TestCorruptFileIgnoredAndRewritten(t *testing.T) {
	for name, body := range map[string]string{
		"garbage":  "\x00\xffnot json {{{",
		"truncate": `{"version":1,"hosts":{"web":"2026-`,
		"version":  `{"version":9,"hosts":{"web":"2026-01-01T00:00:00Z"}}`,
		"huge":     `{"version":1,"hosts":{` + strings.Repeat(`"x":1,`, 200000) + `}}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			var logb bytes.Buffer
			s := New(path, 0, nil, slog.New(slog.NewTextHandler(&logb, nil)))
			if got := s.Hosts(); len(got) != 0 {
				t.Fatalf("hosts from a corrupt file: %v", got)
			}
			if !strings.Contains(logb.String(), "not valid") {
				t.Fatalf("nothing logged: %q", logb.String())
			}
			if err := s.Add("db"); err != nil {
				t.Fatal(err)
			}
			if got := New(path, 0, nil, nil).Hosts(); !reflect.DeepEqual(got, []string{"db"}) {
				t.Fatalf("after rewrite: %v", got)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Fatalf("rewritten with mode %v", fi.Mode().Perm())
			}
		})
	}
}

// An unreadable path (a directory where the file should be) is logged;
// updates fail with an error naming the file, nothing panics.
func TestUnreadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	var logb bytes.Buffer
	s := New(path, 0, nil, slog.New(slog.NewTextHandler(&logb, nil)))
	if got := s.Hosts(); len(got) != 0 {
		t.Fatalf("hosts %v", got)
	}
	if !strings.Contains(logb.String(), "could not be read") {
		t.Fatalf("nothing logged: %q", logb.String())
	}
	if err := s.Add("x"); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Add over a directory: %v", err)
	}
	if err := New("", 0, nil, nil).Add("x"); err == nil {
		t.Fatal("Add with no path succeeded")
	}
}

// Several writers (separate Stores, as separate processes would be, each
// with its own lock file descriptor) lose no update.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := New(path, 0, nil, nil)
			for i := range 8 {
				if err := s.Add(fmt.Sprintf("h%d-%d", w, i)); err != nil {
					errs <- err
				}
				if i%2 == 1 {
					if err := s.Remove(fmt.Sprintf("h%d-%d", w, i)); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		buf := make([]byte, 1<<20)
		panic("writers stuck:\n" + string(buf[:runtimeStack(buf)]))
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := New(path, 0, nil, nil).Hosts(); len(got) != 32 {
		t.Fatalf("%d hosts recorded, want 32: %v", len(got), got)
	}
}
