package labtest

import (
	"bufio"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

var fastBeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 2 * time.Second, Count: 2}

// startJob records the shell's PID and starts a background job that keeps
// writing the time, so a test can tell the same shell and job survived.
func startJob(t *testing.T, s *session.Session, dir string) (pid string) {
	t.Helper()
	run(t, s, fmt.Sprintf("echo $$ > %s; (while :; do date +%%s%%N > %s; sleep 0.2; done) &", filepath.Join(dir, "pid1"), filepath.Join(dir, "job")))
	return waitFile(t, filepath.Join(dir, "pid1"), 10*time.Second)
}

// checkSameShell asserts the shell after a reconnect is the one from before
// and its background job is still running.
func checkSameShell(t *testing.T, s *session.Session, dir, pid string) {
	t.Helper()
	run(t, s, "echo $$ > "+filepath.Join(dir, "pid2"))
	if got := waitFile(t, filepath.Join(dir, "pid2"), 10*time.Second); got != pid {
		t.Fatalf("shell after reconnect has PID %s, want the original %s", got, pid)
	}
	j1 := waitFile(t, filepath.Join(dir, "job"), time.Second)
	time.Sleep(600 * time.Millisecond)
	if j2 := waitFile(t, filepath.Join(dir, "job"), time.Second); j1 == j2 {
		t.Fatal("the background job started before the outage is no longer running")
	}
	run(t, s, "kill %1")
}

func hasLog(s *session.Session, substr string) bool {
	for _, e := range s.Log() {
		if strings.Contains(e.Text, substr) {
			return true
		}
	}
	return false
}

// (1) A 20 s silent blackhole, then restore: detected, reconnected, and the
// shell is the same process with its background job still running.
func TestLabBlackholeReconnectsToSameShell(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	_, s, rec := labSession(t, lab, fastBeat, session.ReattachAuto)
	dir := t.TempDir()
	pid := startJob(t, s, dir)
	lab.Blackhole(t)
	cut := time.Now()
	rec.waitState(t, session.Dropped, cut, fastBeat.DeadAfter()+5*time.Second)
	time.Sleep(20*time.Second - time.Since(cut))
	lab.Unblackhole(t)
	restored := time.Now()
	up := rec.waitState(t, session.Up, restored, 15*time.Second)
	t.Logf("usable again %s after the network was restored", up.Sub(restored))
	checkSameShell(t, s, dir, pid)
	if !hasLog(s, "reattached to the same shell") {
		t.Errorf("event log does not say the shell was reattached:\n%s", rec.dump())
	}
}

// (2) The router forgets every flow (a router reboot): the stale connection
// is found dead and replaced by a new one, reattached to the same shell.
func TestLabNATFlushReplacesConnection(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	_, s, rec := labSession(t, lab, fastBeat, session.ReattachAuto)
	dir := t.TempDir()
	pid := startJob(t, s, dir)
	run(t, s, "echo $SSH_CONNECTION > "+filepath.Join(dir, "conn1"))
	conn1 := waitFile(t, filepath.Join(dir, "conn1"), 10*time.Second)
	lab.Forget(t)
	flushed := time.Now()
	rec.waitState(t, session.Dropped, flushed, fastBeat.DeadAfter()+5*time.Second)
	rec.waitState(t, session.Up, flushed, 20*time.Second)
	// The shell inside tmux keeps its original SSH_CONNECTION; the new
	// link's is seen by a fresh process of the wrapper. Compare the
	// client ports sshd logged instead: there must be a new connection.
	checkSameShell(t, s, dir, pid)
	if n := strings.Count(lab.SSHDLog(), "Accepted publickey"); n < 2 {
		t.Fatalf("sshd accepted %d logins, want a new connection after the flush (first was %s)", n, conn1)
	}
}

// (3) sshd restarted (its session processes killed too): sshdash
// reconnects and reattaches to the still-running tmux.
func TestLabSSHDRestartReattaches(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	_, s, rec := labSession(t, lab, fastBeat, session.ReattachAuto)
	dir := t.TempDir()
	pid := startJob(t, s, dir)
	stopped := time.Now()
	lab.StopSSHD(t)
	rec.waitState(t, session.Dropped, stopped, fastBeat.DeadAfter()+5*time.Second)
	time.Sleep(2 * time.Second)
	lab.StartSSHD(t)
	rec.waitState(t, session.Up, stopped, 20*time.Second)
	checkSameShell(t, s, dir, pid)
}

// (4) The key is removed from authorized_keys during an outage: after the
// network returns the session ends in Failed after one attempt, no loop.
func TestLabAuthRemovedFailsWithoutLoop(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	_, s, rec := labSession(t, lab, fastBeat, session.ReattachAuto)
	lab.Blackhole(t)
	cut := time.Now()
	rec.waitState(t, session.Dropped, cut, fastBeat.DeadAfter()+5*time.Second)
	lab.SetAuthorizedKeys(t, "")
	before := strings.Count(lab.SSHDLog(), "Connection from")
	lab.Unblackhole(t)
	failed := rec.waitState(t, session.Failed, cut, 20*time.Second)
	time.Sleep(3 * time.Second)
	if st := s.Status().State; st != session.Failed {
		t.Fatalf("state %s after Failed, want it to stay Failed", st)
	}
	for _, st := range rec.states(failed.Add(time.Millisecond)) {
		t.Fatalf("state changed to %s after Failed: a retry loop", st)
	}
	if n := strings.Count(lab.SSHDLog(), "Connection from") - before; n > 1 {
		t.Fatalf("%d connections reached sshd after the restore, want 1", n)
	}
	t.Logf("failed with: %v", s.Status().Cause)
}

// (5) A LocalForward serves again after a blackhole/restore cycle.
func TestLabLocalForwardSurvivesOutage(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	// The forward's target is the server's own sshd, seen from the server.
	fwd := fmt.Sprintf("LocalForward 127.0.0.1:%d %s:%d", port, netlab.ServerIP, netlab.SSHPort)
	_, s, rec := labSession(t, lab, fastBeat, session.ReattachNone, fwd)
	banner := func() error {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, "SSH-2.0-") {
			return fmt.Errorf("unexpected banner %q", line)
		}
		return nil
	}
	if err := banner(); err != nil {
		t.Fatalf("forward before the outage: %v", err)
	}
	lab.Blackhole(t)
	cut := time.Now()
	rec.waitState(t, session.Dropped, cut, fastBeat.DeadAfter()+5*time.Second)
	lab.Unblackhole(t)
	rec.waitState(t, session.Up, cut, 20*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := banner()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("forward after the outage: %v\n%s", err, rec.dump())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st := s.Status().Tunnels; len(st) != 1 || !st[0].Up {
		t.Fatalf("tunnel status %+v, want one forward up", st)
	}
}
