package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/session/leftover"
)

// The dashboard and sessions left running, against a real OpenSSH sshd:
// two shells are opened from a dashboard that quits with "leave running";
// a new dashboard marks the host "2 detached" (listed at its start, as the
// record of hosts with shells left running names it; the host that is
// down is not in the record and not tried), R lists both, enter resumes one (the same remote shell,
// by PID), and the other is closed from the list (gone on the server). A
// host that is down shows why in the list, as a sentence.
func TestEndToEndDashboardDetached(t *testing.T) {
	needTmuxE2E(t)
	bin := buildBinary(t)
	srv, key, dir, _ := tmuxSSHD(t)
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	known := filepath.Join(dir, "known_hosts")
	if err := os.WriteFile(known, []byte(fmt.Sprintf("[%s]:%d %s", srv.Host(), srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	downPort := closedPort(t)
	cfg := filepath.Join(dir, "ssh_config")
	body := fmt.Sprintf("Host target\n  HostName %s\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n"+
		"Host down\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile %s\n  ConnectTimeout 5\n",
		srv.Host(), srv.Port(), me.Username, key, known, downPort, me.Username, key, known)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	env := []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}
	sessions := func() []sessionRow {
		t.Helper()
		return listSessions(t, bin, env, cfg, "target")
	}

	// First dashboard: one shell attached (enter), a second opened in the
	// background (o) and attached from the sessions pane; quit, leaving
	// them running (l).
	tm := startTerm(t, env, bin+" -F "+cfg)
	tm.waitFor("the hosts", "target", "down")
	tm.keys("Enter")
	waitAttached(t, tm)
	pid1 := shellPID(t, tm, "one")
	tm.keys("C-^", "d")
	tm.waitFor("the dashboard", "Sessions 1")
	tm.keys("Tab")
	tm.waitFor("the hosts pane", "enter connect")
	tm.keys("o")
	tm.waitFor("the second session", "Sessions 2")
	tm.keys("Tab", "G", "Enter")
	waitAttached(t, tm)
	pid2 := shellPID(t, tm, "two")
	if pid1 == pid2 {
		t.Fatalf("both sessions in shell %s", pid1)
	}
	tm.keys("C-^", "d")
	tm.waitFor("the dashboard", "Sessions 2")
	tm.keys("q")
	tm.waitFor("the quit question", "Leave running")
	tm.keys("l")
	tm.waitFor("the dashboard to end", "SSHDASH-EXITED=0")
	if rows := sessions(); len(rows) != 2 {
		t.Fatalf("after leave running: %+v; want 2 sessions", rows)
	}
	record := leftover.New(filepath.Join(state, "sshdash", leftover.FileName), 0, nil, nil)
	if got := record.Hosts(); len(got) != 1 || got[0] != "target" {
		t.Fatalf("after leave running the record holds %v, want [target]", got)
	}

	// Second dashboard: the host is marked from the fetch at start.
	tm2 := startTerm(t, env, bin+" -F "+cfg)
	tm2.waitFor("the detached marker on the host", "target", "2 detached")
	tm2.keys("R")
	s := tm2.waitFor("the list", "Detached sessions on target", "enter resume")
	if n := strings.Count(s, " sd-"); n != 2 {
		t.Fatalf("%d sessions listed, want 2:\n%s", n, s)
	}
	tm2.keys("Enter")
	waitAttached(t, tm2)
	back := shellPID(t, tm2, "back")
	other := pid1
	switch back {
	case pid1:
		other = pid2
	case pid2:
	default:
		t.Fatalf("resumed into shell %s, want %s or %s", back, pid1, pid2)
	}
	tm2.keys("C-^", "d")
	tm2.waitFor("the dashboard", "Sessions 1")
	tm2.keys("Tab")
	tm2.waitFor("the hosts pane", "enter connect")
	tm2.keys("R")
	s = tm2.waitFor("the list without the resumed one", "Detached sessions on target", "enter resume")
	if n := strings.Count(s, " sd-"); n != 1 {
		t.Fatalf("%d sessions listed after resuming one, want 1:\n%s", n, s)
	}
	tm2.keys("x")
	tm2.waitFor("the question", "Close sd-", "on target?")
	tm2.keys("y")
	tm2.waitFor("the close", "closed sd-", "No detached sshdash sessions on target.")
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(other) {
		if time.Now().After(deadline) {
			t.Fatalf("the closed session's shell %s still runs", other)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !processAlive(back) {
		t.Fatalf("the resumed shell %s is gone", back)
	}
	if rows := sessions(); len(rows) != 1 || rows[0].State != "attached" {
		t.Fatalf("on the server: %+v; want only the resumed session, attached", rows)
	}

	// A host that is down: the list says why, as a sentence.
	tm2.keys("Escape") // alone: tmux would send escape and j together as alt+j
	tm2.keys("j")
	tm2.keys("R")
	tm2.waitFor("the error", "Could not list the sessions on down", "Connection refused")
	tm2.keys("Escape")
	tm2.keys("q")
	tm2.waitFor("the quit question", "Close 1 open session")
	tm2.keys("y")
	tm2.waitFor("the dashboard to end", "SSHDASH-EXITED=0")
	deadline = time.Now().Add(10 * time.Second)
	for len(sessions()) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("left on the server after closing all: %+v", sessions())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := record.Hosts(); len(got) != 0 {
		t.Fatalf("everything was closed, but the record holds %v", got)
	}
}

// processAlive reports whether the process pid exists.
func processAlive(pid string) bool {
	_, err := os.Stat(filepath.Join("/proc", pid))
	if err != nil {
		return false
	}
	st, _ := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	f := strings.Fields(string(st))
	return len(f) < 3 || f[2] != "Z"
}
