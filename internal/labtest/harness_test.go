package labtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// recorder keeps every event of a manager with the time it arrived.
type recorder struct {
	mu     sync.Mutex // guards events
	events []stamped
	done   chan struct{}
}

type stamped struct {
	at time.Time
	ev session.Event
}

func record(m *session.Manager) *recorder {
	r := &recorder{done: make(chan struct{})}
	go func() {
		for {
			select {
			case ev := <-m.Events():
				r.mu.Lock()
				r.events = append(r.events, stamped{time.Now(), ev})
				r.mu.Unlock()
			case <-r.done:
				return
			}
		}
	}()
	return r
}

func (r *recorder) stop() { close(r.done) }

// waitState waits for a transition into state after since and returns its time.
func (r *recorder) waitState(t testing.TB, to session.State, since time.Time, timeout time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, e := range r.events {
			if sc, ok := e.ev.(session.StateChanged); ok && sc.To == to && !e.at.Before(since) {
				r.mu.Unlock()
				return e.at
			}
		}
		r.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no transition to %s within %s; events:\n%s", to, timeout, r.dump())
	return time.Time{}
}

// states lists the transitions after since.
func (r *recorder) states(since time.Time) []session.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []session.State
	for _, e := range r.events {
		if sc, ok := e.ev.(session.StateChanged); ok && !e.at.Before(since) {
			out = append(out, sc.To)
		}
	}
	return out
}

func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		switch ev := e.ev.(type) {
		case session.StateChanged:
			fmt.Fprintf(&b, "%s state %s→%s %s %v\n", e.at.Format("15:04:05.000"), ev.From, ev.To, ev.Stage, ev.Cause)
		case session.Logged:
			fmt.Fprintf(&b, "%s log %s\n", e.at.Format("15:04:05.000"), ev.Entry.Text)
		}
	}
	return b.String()
}

// labSession opens a session to the lab server with the given heartbeat
// and reattach mode; extra ssh_config lines are added to the lab's host.
func labSession(t testing.TB, lab *netlab.Lab, hb keepalive.Settings, mode session.ReattachMode, extra ...string) (*session.Manager, *session.Session, *recorder) {
	t.Helper()
	cfgText, err := os.ReadFile(lab.SSHConfig)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "ssh_config")
	body := string(cfgText)
	for _, line := range extra {
		body += "  " + line + "\n"
	}
	if err := os.WriteFile(cfgPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{File: cfgPath})
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Errors(); len(errs) > 0 {
		t.Fatalf("lab ssh_config: %v", errs)
	}
	op := &session.Opener{Config: cfg}
	plan, err := op.Plan("lab")
	if err != nil {
		t.Fatal(err)
	}
	opts := op.Options(plan, false, 80, 24)
	opts.Heartbeat, opts.Reattach = hb, mode
	m := session.NewManager(nil, nil)
	rec := record(m)
	s := m.Open(opts)
	t.Cleanup(func() {
		m.CloseAll(context.Background())
		rec.stop()
	})
	rec.waitState(t, session.Up, time.Time{}, 20*time.Second)
	return m, s, rec
}

// run types a command line into the session.
func run(t testing.TB, s *session.Session, line string) {
	t.Helper()
	if _, err := s.Write([]byte(line + "\r")); err != nil {
		t.Fatalf("type %q: %v", line, err)
	}
}

// waitFile waits until path holds something and returns it trimmed.
func waitFile(t testing.TB, path string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) != "" {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s was not written within %s", path, timeout)
	return ""
}

func fileGone(path string) bool {
	_, err := os.Stat(path)
	return os.IsNotExist(err)
}

// watchdog fails the test with every goroutine's stack if it is still
// running after d.
func watchdog(t *testing.T, d time.Duration) {
	timer := time.AfterFunc(d, func() {
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		panic(fmt.Sprintf("%s still running after %s", t.Name(), d))
	})
	t.Cleanup(func() { timer.Stop() })
}
