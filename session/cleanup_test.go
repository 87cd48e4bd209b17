package session

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A session closed on purpose while its link is down cannot end its remote
// tmux session: it says so, the Manager remembers the name, and the next
// connection to the host (another session's) ends it and logs that.
func TestCloseWhileDownEndsRemoteOnNextConnection(t *testing.T) {
	checkLeaks(t)
	needTmux(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())

	s1 := m.Open(f.options(ReattachAuto))
	ev.waitFor(t, "first session up", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == s1.ID() && sc.To == Up
	})
	if got := s1.Status().Reattach; got != "tmux" {
		t.Fatalf("reattach %q, want tmux; log:\n%s", got, logText(s1))
	}
	hasSession := func() bool {
		cmd := exec.Command("tmux", "-L", tmuxSocket, "has-session", "-t", "="+s1.remoteName)
		cmd.Env = append(cmd.Environ(), "TMUX_TMPDIR="+f.tmuxDir)
		return cmd.Run() == nil
	}
	if !hasSession() {
		t.Fatalf("no remote tmux session %s", s1.remoteName)
	}

	f.cut.cut(true) // the link drops and stays down
	ev.waitFor(t, "first session down", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == s1.ID() && sc.To == Reconnecting
	})
	s1.Close()
	if log := logText(s1); !strings.Contains(log, "the remote session will be ended on the next connection to testhost") {
		t.Fatalf("the log does not say the remote session is left for later:\n%s", log)
	}
	if !hasSession() {
		t.Fatalf("the remote session %s ended with the link down?", s1.remoteName)
	}
	if got := m.PendingCleanup(); len(got) != 1 || got[0] != "testhost: "+s1.remoteName {
		t.Fatalf("PendingCleanup() = %q, want testhost: %s", got, s1.remoteName)
	}

	f.cut.setRefuse(false)
	s2 := m.Open(f.options(ReattachAuto))
	ev.waitFor(t, "second session up", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == s2.ID() && sc.To == Up
	})
	deadline := time.Now().Add(10 * time.Second)
	for hasSession() || !strings.Contains(logText(s2), "ended the remote session "+s1.remoteName) {
		if time.Now().After(deadline) {
			t.Fatalf("the left remote session was not ended on the next connection (still there: %v); log:\n%s", hasSession(), logText(s2))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := m.PendingCleanup(); len(got) != 0 {
		t.Fatalf("still pending: %q", got)
	}
	// The new session's own shell is untouched.
	s2.Write([]byte("echo alive=$((6*7))\r"))
	screenHas(t, s2, "alive=42")
}
