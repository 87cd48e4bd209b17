package session

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// slowLoginShell is a server whose shell takes delay (a slow login
// profile, a slow tmux start) before the wrapper's marker says how it was
// started, then greets.
func slowLoginShell(delay time.Duration, method string) func(int, ssh.NewChannel) {
	return fakeShell(func(login int, ch ssh.Channel) bool {
		go func() {
			m := method
			if login > 1 && method == methodTmuxNew {
				m = methodTmuxAttached // a reconnect finds the shell again
			}
			time.Sleep(delay)
			fmt.Fprint(ch, markerPrefix+m+"\a"+"hello after a slow login\r\n")
		}()
		return false
	})
}

// A shell whose marker comes after the wait is shown Up with an honest
// line, and the method is taken when the marker arrives: never "shell did
// not report how it was started".
func TestSlowLoginMarkerTakenLate(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, 30*time.Second)
	f := newFakeSSH(t, slowLoginShell(400*time.Millisecond, methodTmuxNew))
	m, ev := newWatchedManager(t)
	opts := fakeOptions(f, false)
	opts.Reattach = ReattachAuto
	opts.markerWait = 50 * time.Millisecond // startRemote's wait, then serve's
	s := m.Open(opts)
	ev.waitState(t, Up)
	if st := s.Status(); st.Reattach != "" {
		t.Errorf("Reattach %q before the marker came", st.Reattach)
	}
	if log := logText(s); !strings.Contains(log, "has not yet said how it was started") {
		t.Errorf("log while the marker is awaited:\n%s", log)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Status().Reattach != "tmux" {
		if time.Now().After(deadline) {
			t.Fatalf("the late marker was not taken: Reattach %q, log:\n%s", s.Status().Reattach, logText(s))
		}
		time.Sleep(10 * time.Millisecond)
	}
	log := logText(s)
	if !strings.Contains(log, "connected (shell kept in a private tmux session)") || strings.Contains(log, "did not report") {
		t.Errorf("log after the late marker:\n%s", log)
	}
	if txt := strings.Join(s.ScreenText(), "\n"); !strings.Contains(txt, "hello after a slow login") || strings.Contains(txt, "7767") {
		t.Errorf("screen:\n%s", txt)
	}
	if st := s.Status(); st.State != Up {
		t.Errorf("state %s after the late marker", st.State)
	}
	m.CloseAll(context.Background())
}

// After a drop, a reconnect whose marker comes late does not say the
// previous shell was lost before it knows: it waits, then says the shell
// was found again.
func TestSlowLoginMarkerOnReconnect(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, 30*time.Second)
	f := newFakeSSH(t, slowLoginShell(300*time.Millisecond, methodTmuxNew))
	m, _ := newWatchedManager(t)
	opts := fakeOptions(f, false)
	opts.Reattach = ReattachAuto
	opts.markerWait = 50 * time.Millisecond
	s := m.Open(opts)
	waitLog := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logText(s), what) {
			if time.Now().After(deadline) {
				t.Fatalf("log never said %q:\n%s", what, logText(s))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitLog("connected (shell kept in a private tmux session)")
	f.dropAll()
	waitLog("the shell has not yet said whether it is the same one")
	waitLog("reattached to the same shell after")
	if log := logText(s); strings.Contains(log, "previous shell was lost") {
		t.Errorf("said the shell was lost before the marker came:\n%s", log)
	}
	if txt := strings.Join(s.ScreenText(), "\n"); strings.Contains(txt, "previous shell was lost") {
		t.Errorf("screen says the shell was lost:\n%s", txt)
	}
	m.CloseAll(context.Background())
}
