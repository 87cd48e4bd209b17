package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/session/leftover"
)

// The record of hosts where sshdash may have left shells running
// (session/leftover) against a real OpenSSH sshd: the dashboard logs in
// only where that record, or the user, says so.

// stateWorld is a used world for these tests: an sshd whose private tmux
// lives under the test's own TMUX_TMPDIR (killed at the end, and only
// that one), a config with several hosts on it, and private XDG dirs.
type stateWorld struct {
	t     *testing.T
	srv   *sshdtest.Server
	bin   string
	cfg   string
	state string // XDG_STATE_HOME
	env   []string
	probe int // connections before the test's own: the harness's readiness check
}

func newStateWorld(t *testing.T, aliases ...string) *stateWorld {
	t.Helper()
	needTmuxE2E(t)
	srv, key, dir, tmuxDir := tmuxSSHD(t)
	var body strings.Builder
	for _, a := range aliases {
		fmt.Fprintf(&body, "Host %s\n  HostName 127.0.0.1\n  Port %d\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking accept-new\n  ConnectTimeout 10\n",
			a, srv.Port(), key, filepath.Join(dir, "known_hosts"))
	}
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(body.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	// A private tmux server already runs on the server side (another
	// sshdash user's session), so the world is not fresh.
	other := exec.Command("tmux", "-L", "other", "new-session", "-d", "-s", "busy", "sleep 600")
	other.Env = append(os.Environ(), "TMUX_TMPDIR="+tmuxDir)
	if out, err := other.CombinedOutput(); err != nil {
		t.Fatalf("a tmux of someone else's: %v\n%s", err, out)
	}
	w := &stateWorld{t: t, srv: srv, bin: buildBinary(t), cfg: cfg, state: state,
		env: []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}}
	if strings.Contains(srv.Logs(), "Accepted") {
		t.Fatalf("a login before the test:\n%s", srv.Logs())
	}
	w.probe = strings.Count(srv.Logs(), "Connection from") // the harness's check that sshd listens (built binary meanwhile)
	return w
}

// logins counts the sshd's accepted logins and TCP connections (besides
// the harness's readiness check) so far.
func (w *stateWorld) logins() (accepted, connections int) {
	l := w.srv.Logs()
	return strings.Count(l, "Accepted publickey for root"), strings.Count(l, "Connection from") - w.probe
}

func (w *stateWorld) recordPath() string { return filepath.Join(w.state, "sshdash", leftover.FileName) }

// recorded is the record's hosts as a new reader sees them.
func (w *stateWorld) recorded() []string {
	return leftover.New(w.recordPath(), 0, nil, nil).Hosts()
}

// waitRecorded waits until the record's hosts are want.
func (w *stateWorld) waitRecorded(what string, want ...string) {
	w.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := w.recorded()
		if fmt.Sprint(got) == fmt.Sprint(append([]string{}, want...)) {
			return
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(w.recordPath())
			w.t.Fatalf("%s: recorded %v, want %v; the file:\n%s", what, got, want, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *stateWorld) dashboard() *tmuxTerm {
	return startTerm(w.t, w.env, w.bin+" -F "+w.cfg)
}

// Moving the cursor over every host and resting on each logs in nowhere,
// not even a TCP connection; R on a host is one login, to that host.
func TestEndToEndDashboardCursorLogsInNowhere(t *testing.T) {
	w := newStateWorld(t, "h1", "h2", "h3", "h4", "h5")
	tm := w.dashboard()
	tm.waitFor("the hosts", "h1", "h5")
	for range 5 {
		tm.keys("j")
		time.Sleep(time.Second) // rests well past any "rest" delay
	}
	for range 5 {
		tm.keys("k")
	}
	time.Sleep(2 * time.Second)
	if a, c := w.logins(); a != 0 || c != 0 {
		t.Fatalf("moving the cursor: %d logins, %d connections; want none\nsshd log:\n%s", a, c, w.srv.Logs())
	}
	tm.keys("j", "R") // h2, asked
	tm.waitFor("the empty list", "No detached sshdash sessions on h2")
	time.Sleep(500 * time.Millisecond) // sshd logs after the client is in
	if a, _ := w.logins(); a != 1 {
		t.Fatalf("R: %d logins, want 1\nsshd log:\n%s", a, w.srv.Logs())
	}
	if got := w.recorded(); len(got) != 0 {
		t.Fatalf("recorded %v after listing an empty host", got)
	}
	tm.keys("Escape")
	tm.keys("q")
	tm.waitFor("the dashboard to end", "SSHDASH-EXITED=0")
}

// A used state: the record names a host where nothing is left (an earlier
// run's) and one no longer in the config. The dashboard lists the first
// once at start (one login), then forgets it; the next dashboard logs in
// nowhere. A corrupt record is logged, not fatal, and rewritten once a
// session comes up.
func TestEndToEndDashboardLeftoverRecord(t *testing.T) {
	w := newStateWorld(t, "h1", "h2")
	old := leftover.New(w.recordPath(), 0, nil, nil)
	for _, a := range []string{"h1", "gone-from-config"} {
		if err := old.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	tm := w.dashboard()
	tm.waitFor("the hosts", "h1", "h2")
	w.waitRecorded("after the fetch at start", "gone-from-config")
	time.Sleep(500 * time.Millisecond)
	if a, _ := w.logins(); a != 1 {
		t.Fatalf("%d logins at start, want 1 (h1)\nsshd log:\n%s", a, w.srv.Logs())
	}
	if s := tm.screen(); strings.Contains(s, "detached") {
		t.Fatalf("a marker for a host with nothing left:\n%s", s)
	}
	tm.keys("q")
	tm.waitFor("the dashboard to end", "SSHDASH-EXITED=0")

	tm = w.dashboard()
	tm.waitFor("the hosts", "h1", "h2")
	time.Sleep(2 * time.Second)
	if a, c := w.logins(); a != 1 || c != 1 {
		t.Fatalf("the second dashboard logged in: %d logins, %d connections in all, want 1 and 1", a, c)
	}
	tm.keys("q")
	tm.waitFor("the dashboard to end", "SSHDASH-EXITED=0")

	// Corrupt: ignored with a log line, rewritten when a session comes up.
	if err := os.WriteFile(w.recordPath(), []byte("{\"version\":1,\"hosts\":{\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm = w.dashboard()
	tm.waitFor("the hosts despite the corrupt record", "h1", "h2")
	log, _ := os.ReadFile(filepath.Join(w.state, "sshdash", "sshdash.log"))
	if !strings.Contains(string(log), "not valid") {
		t.Fatalf("the corrupt record was not logged:\n%s", log)
	}
	tm.keys("j", "Enter") // h2
	waitAttached(t, tm)
	w.waitRecorded("a session up under tmux", "h2")
	var disk map[string]any
	if b, _ := os.ReadFile(w.recordPath()); json.Unmarshal(b, &disk) != nil {
		t.Fatalf("not rewritten as JSON:\n%s", b)
	}
	if fi, _ := os.Stat(w.recordPath()); fi.Mode().Perm() != 0o600 {
		t.Fatalf("record mode %v", fi.Mode().Perm())
	}
	// The shell exits: the session ended cleanly, nothing else is there.
	tm.text("exit")
	tm.keys("Enter")
	tm.waitFor("the dashboard", "Hosts")
	tm.keys("q")
	tm.waitFor("the dashboard to end", "SSHDASH-EXITED=0")
	w.waitRecorded("after the shell exited")
}

// connect killed with SIGKILL runs no exit path: the host stays recorded,
// so the next dashboard lists it at start and marks the shell left there.
func TestEndToEndConnectKilledLeavesRecord(t *testing.T) {
	w := newStateWorld(t, "h1", "h2")
	tm := startTerm(t, w.env, w.bin+" connect -F "+w.cfg+" h1")
	waitAttached(t, tm)
	w.waitRecorded("connect up under tmux", "h1")
	pid := connectPID(t, w.bin, w.cfg)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tm.waitFor("connect to die", "SSHDASH-EXITED=137")
	if got := w.recorded(); fmt.Sprint(got) != "[h1]" {
		t.Fatalf("after SIGKILL: recorded %v", got)
	}
	before, _ := w.logins()
	tm2 := w.dashboard()
	s := tm2.waitFor("the marker from the fetch at start", "h1", "1 detached")
	if strings.Count(s, "detached") != 1 {
		t.Fatalf("a marker on another host:\n%s", s)
	}
	time.Sleep(500 * time.Millisecond)
	if a, _ := w.logins(); a != before+1 {
		t.Fatalf("%d logins at start, want 1 (h1 only)", a-before)
	}
	tm2.keys("q")
	tm2.waitFor("the dashboard to end", "SSHDASH-EXITED=0")
	if got := w.recorded(); fmt.Sprint(got) != "[h1]" {
		t.Fatalf("the shell is still left, but recorded %v", got)
	}
}

// connectPID finds the `sshdash connect` this test started, by its
// binary and private config path.
func connectPID(t *testing.T, bin, cfg string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			var pid int
			if _, err := fmt.Sscanf(e.Name(), "%d", &pid); err != nil {
				continue
			}
			b, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			args := strings.Split(string(b), "\x00")
			if len(args) > 3 && args[0] == bin && args[1] == "connect" && strings.Contains(string(b), cfg) {
				return pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the sshdash connect process was not found")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
