package session

import (
	"context"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// A session closed on purpose while its link is down cannot end its remote
// tmux session: it says so, the Manager remembers the name, and the next
// connection to the host (another session's) ends it and logs that.
// The same holds for a session that failed after it was up (its reconnect
// was refused for good) and is then closed.
func TestCloseWhileDownEndsRemoteOnNextConnection(t *testing.T) {
	for _, failed := range []bool{false, true} {
		t.Run(map[bool]string{false: "reconnecting", true: "failed"}[failed], func(t *testing.T) {
			testCloseWhileDown(t, failed)
		})
	}
}

// permanentErr is a dial error the session does not retry.
type permanentErr struct{}

func (permanentErr) Error() string   { return "refused for good (test)" }
func (permanentErr) Permanent() bool { return true }

func testCloseWhileDown(t *testing.T, failed bool) {
	checkLeaks(t)
	needTmux(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())

	opts := f.options(ReattachAuto)
	var broken atomic.Bool
	dial := opts.Dial
	opts.Dial = func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
		if broken.Load() {
			return nil, nil, permanentErr{}
		}
		return dial(ctx, h)
	}
	s1 := m.Open(opts)
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

	want := Reconnecting
	if failed {
		broken.Store(true)
		want = Failed
	}
	f.cut.cut(true) // the link drops and stays down
	ev.waitFor(t, "first session "+want.String(), func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == s1.ID() && sc.To == want
	})
	s1.Close()
	if log := logText(s1); !strings.Contains(log, "the remote session will be ended on the next connection to testhost") {
		t.Fatalf("the log does not say the remote session is left for later:\n%s", log)
	}
	if !hasSession() {
		t.Fatalf("the remote session %s ended with the link down?", s1.remoteName)
	}
	s1.Close() // again: nothing more is left, nothing said twice
	if n := strings.Count(logText(s1), "will be ended on the next connection"); n != 1 {
		t.Fatalf("said %d times that the remote session is left for later", n)
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
