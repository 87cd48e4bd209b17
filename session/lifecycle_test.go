package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/keepalive"
)

// cutter dials the server and can cut every connection it made (a drop)
// or refuse new ones (an outage).
type cutter struct {
	mu      sync.Mutex // guards conns and refuse
	conns   []net.Conn
	refuse  bool
	dialled int
}

func (c *cutter) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c.mu.Lock()
	refuse := c.refuse
	c.dialled++
	c.mu.Unlock()
	if refuse {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("network is unreachable (test outage)")}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err == nil {
		c.mu.Lock()
		c.conns = append(c.conns, conn)
		c.mu.Unlock()
	}
	return conn, err
}

func (c *cutter) cut(refuse bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refuse = refuse
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *cutter) setRefuse(r bool) {
	c.mu.Lock()
	c.refuse = r
	c.mu.Unlock()
}

// events records a manager's events.
type events struct {
	mu   sync.Mutex // guards list
	list []Event
	stop chan struct{}
	done chan struct{}
}

func watch(m *Manager) *events {
	e := &events{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(e.done)
		for {
			select {
			case ev := <-m.Events():
				e.mu.Lock()
				e.list = append(e.list, ev)
				e.mu.Unlock()
			case <-e.stop:
				return
			}
		}
	}()
	return e
}

func (e *events) close() { close(e.stop); <-e.done }

// waitFor waits for an event matching ok and returns it.
func (e *events) waitFor(t *testing.T, what string, ok func(Event) bool) Event {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	seen := 0
	for time.Now().Before(deadline) {
		e.mu.Lock()
		for _, ev := range e.list[seen:] {
			if ok(ev) {
				e.mu.Unlock()
				return ev
			}
		}
		seen = len(e.list)
		e.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
	return nil
}

func (e *events) waitState(t *testing.T, to State) StateChanged {
	t.Helper()
	return e.waitFor(t, "state "+to.String(), func(ev Event) bool {
		sc, ok := ev.(StateChanged)
		return ok && sc.To == to
	}).(StateChanged)
}

func (e *events) count(ok func(Event) bool) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.list {
		if ok(ev) {
			n++
		}
	}
	return n
}

// newWatchedManager is a Manager whose events are recorded; when the
// test ends every session is closed, then the recording stops.
func newWatchedManager(t *testing.T) (*Manager, *events) {
	t.Helper()
	m := NewManager(nil, nil)
	ev := watch(m)
	t.Cleanup(func() {
		m.CloseAll(context.Background())
		ev.close()
	})
	return m, ev
}

// fixture is a server, a client key and a cutter for lifecycle tests.
type fixture struct {
	srv     *sshtest.Server
	dir     string
	key     testKey
	cut     *cutter
	tmuxDir string
	target  Target
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, sshtest.Options{})
}

// newFixtureWith is newFixture with extra server options: AllowForwarding
// and RefuseExec as given, Shell in place of /bin/sh where set, and Env
// after the fixture's own (a later PS1 wins).
func newFixtureWith(t *testing.T, extra sshtest.Options) *fixture {
	t.Helper()
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	tmuxDir := filepath.Join(dir, "tmux")
	if err := os.MkdirAll(tmuxDir, 0o700); err != nil {
		t.Fatal(err)
	}
	shell := "/bin/sh"
	if extra.Shell != "" {
		shell = extra.Shell
	}
	srv := startServer(t, sshtest.Options{
		AllowForwarding: extra.AllowForwarding,
		RefuseExec:      extra.RefuseExec,
		AuthorizedKeys:  []ssh.PublicKey{key.Pub},
		Shell:           shell,
		Dir:             dir,
		Env:             append([]string{"SHELL=/bin/sh", "PS1=$ ", "TMUX_TMPDIR=" + tmuxDir}, extra.Env...),
		GlobalRequest: func(r *ssh.Request) bool {
			if r.Type == keepalive.RequestName {
				r.Reply(false, nil)
				return true
			}
			return false
		},
	})
	t.Cleanup(func() {
		socks, _ := filepath.Glob(filepath.Join(tmuxDir, "tmux-*", "*"))
		for _, s := range socks {
			exec.Command("tmux", "-S", s, "kill-server").Run()
		}
	})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{key.Path}
	return &fixture{srv: srv, dir: dir, key: key, cut: &cutter{}, tmuxDir: tmuxDir, target: tg}
}

func (f *fixture) options(mode ReattachMode) Options {
	target := f.target
	return Options{
		Alias: "testhost",
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: target, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, DialTCP: f.cut.dial, Fast: h.Fast})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Second, Count: 2},
		Reattach:  mode,
		Term:      "xterm-256color",
		Cols:      80, Rows: 24,
		Backoff: Backoff{Base: 50 * time.Millisecond, Max: 200 * time.Millisecond, StableAfter: time.Minute, ProbeEvery: 50 * time.Millisecond},
		// These tests are about reconnecting: a first connection that
		// fails is retried too (the ssh-like default is tested apart).
		RetryFirst: true,
	}
}

// exitShell types `exit status` into s's shell and waits until the
// session is closed with that exit status.
func exitShell(t *testing.T, s *Session, status int) {
	t.Helper()
	fmt.Fprintf(s, "exit %d\r", status)
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("session did not end when the shell exited")
	}
	if st := s.Status(); st.State != Closed || st.ExitStatus != status {
		t.Fatalf("state %s status %d, want closed with %d; log:\n%s", st.State, st.ExitStatus, status, logText(s))
	}
}

func screenHas(t *testing.T, s *Session, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(strings.Join(s.ScreenText(), "\n"), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q; it shows:\n%s", text, strings.Join(s.ScreenText(), "\n"))
}

func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but tmux is not installed", testenv.Var)
		}
		t.Skip("tmux not installed")
	}
}

func TestSessionShellOutputAndExitStatus(t *testing.T) {
	for _, mode := range []ReattachMode{ReattachNone, ReattachTmux} {
		t.Run(string(mode), func(t *testing.T) {
			if mode == ReattachTmux {
				needTmux(t)
			}
			checkLeaks(t)
			f := newFixture(t)
			m, ev := newWatchedManager(t)
			s := m.Open(f.options(mode))
			ev.waitState(t, Up)
			if _, err := s.Write([]byte("echo answer=$((6*7))\r")); err != nil {
				t.Fatal(err)
			}
			screenHas(t, s, "answer=42")
			if got := s.Status().Reattach; got != map[ReattachMode]string{ReattachNone: "none", ReattachTmux: "tmux"}[mode] {
				t.Errorf("reattach method %q", got)
			}
			exitShell(t, s, 3)
			m.CloseAll(context.Background())
		})
	}
}

// A dropped link is reconnected at once and, with tmux, the user is back in
// the same shell; closing on purpose ends the remote tmux session.
func TestSessionReconnectsToSameShell(t *testing.T) {
	needTmux(t)
	checkLeaks(t)
	f := newFixture(t)
	m, ev := newWatchedManager(t)
	s := m.Open(f.options(ReattachAuto))
	ev.waitState(t, Up)
	pid1 := filepath.Join(f.dir, "pid1")
	s.Write([]byte("echo $$ > " + pid1 + "\r"))
	p1 := waitContent(t, pid1)

	f.cut.cut(true) // the link drops and the network stays out for a while
	ev.waitState(t, Dropped)
	ev.waitState(t, Reconnecting)
	if _, err := s.Write([]byte("x")); !errors.Is(err, ErrLinkDown) {
		t.Fatalf("write while down: %v, want ErrLinkDown", err)
	}
	time.Sleep(300 * time.Millisecond)
	f.cut.setRefuse(false)
	ev.waitFor(t, "up again", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.To == Up && sc.From != Connecting
	})
	pid2 := filepath.Join(f.dir, "pid2")
	s.Write([]byte("echo $$ > " + pid2 + "\r"))
	if p2 := waitContent(t, pid2); p2 != p1 {
		t.Fatalf("shell PID %s after reconnect, want %s", p2, p1)
	}
	if !strings.Contains(logText(s), "reattached to the same shell") {
		t.Errorf("log does not say it reattached:\n%s", logText(s))
	}
	name := s.remoteName
	s.Close()
	s.Close() // idempotent
	socks, _ := filepath.Glob(filepath.Join(f.tmuxDir, "tmux-*", "sshdash"))
	for _, sock := range socks {
		if exec.Command("tmux", "-S", sock, "has-session", "-t", "="+name).Run() == nil {
			t.Fatal("the remote tmux session survived closing the session on purpose")
		}
	}
	m.CloseAll(context.Background())
}

// Authentication refused is final: Failed, and no further attempt.
func TestSessionAuthRefusedIsFinal(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	other := writeKey(t, f.dir, "other", "")
	f.target.IdentityFiles = []string{other.Path}
	m, ev := newWatchedManager(t)
	s := m.Open(f.options(ReattachNone))
	sc := ev.waitState(t, Failed)
	if !IsPermanent(sc.Cause) {
		t.Fatalf("cause %v is not permanent", sc.Cause)
	}
	attempts := f.srv.AuthAttempts("publickey")
	time.Sleep(500 * time.Millisecond)
	if got := f.srv.AuthAttempts("publickey"); got != attempts {
		t.Fatalf("authentication retried after Failed: %d → %d attempts", attempts, got)
	}
	<-s.Done()
	m.CloseAll(context.Background())
}

// An unknown host key under "ask" is a prompt event; the session waits as
// NeedsYou and connects once the user says yes.
func TestSessionHostKeyPromptIsAnEvent(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	f.target.StrictHostKeyChecking = "ask"
	m, ev := newWatchedManager(t)
	s := m.Open(f.options(ReattachNone))
	pe := ev.waitFor(t, "prompt", func(e Event) bool { _, ok := e.(PromptRequested); return ok }).(PromptRequested)
	if pe.Prompt.Kind != PromptHostKey || !strings.HasPrefix(pe.Prompt.Fingerprint, "SHA256:") {
		t.Fatalf("prompt %+v", pe.Prompt)
	}
	if st := s.Status().State; st != NeedsYou {
		t.Fatalf("state %s while asking, want needs you", st)
	}
	pe.Prompt.Answer([]string{"yes"})
	ev.waitState(t, Up)
	m.CloseAll(context.Background())
}

// Heartbeat figures and RTT history reach the status.
func TestSessionHeartbeatFigures(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m, ev := newWatchedManager(t)
	s := m.Open(f.options(ReattachNone))
	ev.waitState(t, Up)
	ev.waitFor(t, "an answered heartbeat", func(e Event) bool {
		hb, ok := e.(HeartbeatUpdate)
		return ok && hb.Stats.Answered > 0
	})
	st := s.Status()
	if st.Heartbeat.LastRTT <= 0 || len(st.RTTHistory) == 0 {
		t.Fatalf("no RTT in status: %+v", st.Heartbeat)
	}
	m.CloseAll(context.Background())
}

func waitContent(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(b)) != "" {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never written", path)
	return ""
}

func logText(s *Session) string {
	var b strings.Builder
	for _, e := range s.Log() {
		b.WriteString(e.Text + "\n")
	}
	return b.String()
}

// A second session to the same host gets a private tmux session too (the
// wrapper's tmux setup once failed on a server a first session had set up).
func TestSessionSecondSessionAlsoKeptInTmux(t *testing.T) {
	needTmux(t)
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	defer m.CloseAll(context.Background())
	for i := 0; i < 3; i++ {
		s := m.Open(f.options(ReattachTmux))
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(logText(s), "connected (") {
			if time.Now().After(deadline) {
				t.Fatalf("session %d never connected; log:\n%s", i+1, logText(s))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if got := s.Status().Reattach; got != "tmux" {
			t.Fatalf("session %d: reattach %q, want tmux; log:\n%s\nscreen:\n%s", i+1, got, logText(s), strings.Join(s.ScreenText(), "\n"))
		}
	}
}
