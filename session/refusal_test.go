package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// A server that lets the user in and then refuses the session (MaxSessions
// 0, exec refused, the shell gone at once without a status) is retried
// with backoff, and the same refusal maxRefusals times in a row ends in
// Failed with the server's message: maxRefusals logins, never a loop.
func TestSessionRefusedAfterLoginBacksOffThenFails(t *testing.T) {
	cases := []struct {
		name    string
		handler func(int, ssh.NewChannel)
		want    string
	}{
		{"channel rejected", rejectSession, "open failed"},
		// The wrapper's exec is refused, then the plain shell request too.
		{"exec refused", refuseExec, "start the login shell: the server refused the request"},
		{"shell gone at once", closeAtOnce, "without an exit status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			testWatchdog(t, time.Minute)
			f := newFakeSSH(t, tc.handler)
			m := NewManager(nil, nil)
			ev := watch(m)
			defer ev.close()
			opts := fakeOptions(f, true)
			opts.Secrets.putPassword("u@fake:22", "hunter2")
			s := m.Open(opts)
			waitDone(t, s)
			st := s.Status()
			var re *RefusedError
			if st.State != Failed || !errors.As(st.Cause, &re) || re.Count != maxRefusals {
				t.Fatalf("state %s, cause %v; want failed after %d refusals", st.State, st.Cause, maxRefusals)
			}
			if !strings.Contains(st.Cause.Error(), tc.want) {
				t.Errorf("cause %q does not carry the server's message %q", st.Cause, tc.want)
			}
			if strings.Contains(st.Cause.Error(), "exec /bin/sh") {
				t.Errorf("cause quotes the wrapper script: %q", st.Cause)
			}
			logins := f.loginTimes()
			if len(logins) != maxRefusals {
				t.Fatalf("%d logins, want %d", len(logins), maxRefusals)
			}
			// Each retry waited at least its backoff (no jitter here).
			for i := 1; i < len(logins); i++ {
				if gap, min := logins[i].Sub(logins[i-1]), opts.Backoff.Delay(i); gap < min {
					t.Errorf("login %d came %s after the previous one, before its backoff of %s", i+1, gap, min)
				}
			}
			if _, ok := opts.Secrets.password("u@fake:22"); ok {
				t.Error("the session's password was kept after it failed")
			}
			time.Sleep(100 * time.Millisecond)
			if n := len(f.loginTimes()); n != maxRefusals {
				t.Fatalf("%d logins after Failed, want %d", n, maxRefusals)
			}
			m.CloseAll(context.Background())
		})
	}
}

// A session that has never been up fails at its first failure, as ssh
// exits: a refused port, a refused session channel. Reconnect (the
// dashboard's r) tries once more, and a success then is an ordinary
// session.
func TestSessionNeverUpFailsAtOnceAndRetriesOnRequest(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	var working atomic.Bool
	f := newFakeSSH(t, func(login int, nc ssh.NewChannel) {
		if working.Load() {
			workingShell("")(login, nc)
			return
		}
		rejectSession(login, nc)
	})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()

	// Refused before the server: one attempt, then Failed.
	f.refuse.Store(true)
	opts := fakeOptions(f, false)
	s := m.Open(opts)
	waitDone(t, s)
	if st := s.Status(); st.State != Failed || !errors.Is(st.Cause, syscall.ECONNREFUSED) {
		t.Fatalf("state %s, cause %v; want failed with connection refused", st.State, st.Cause)
	}
	if n := ev.count(func(e Event) bool { sc, ok := e.(StateChanged); return ok && sc.ID == s.ID() && sc.To == Reconnecting }); n != 0 {
		t.Errorf("%d reconnect attempts for a session that was never up", n)
	}

	// Reaches the server, then the session channel is refused: one login.
	f.refuse.Store(false)
	s.Reconnect()
	waitDone(t, s)
	if st := s.Status(); st.State != Failed || !strings.Contains(fmt.Sprint(st.Cause), "open failed") {
		t.Fatalf("state %s, cause %v; want failed with the server's message", st.State, st.Cause)
	}
	if n := len(f.loginTimes()); n != 1 {
		t.Fatalf("%d logins, want 1", n)
	}

	// Asked again once the server works: up.
	working.Store(true)
	s.Reconnect()
	ev.waitFor(t, "up after r", func(e Event) bool { sc, ok := e.(StateChanged); return ok && sc.ID == s.ID() && sc.To == Up })
	screenHas(t, s, "hello from the fake")
	if n := ev.count(func(e Event) bool { sc, ok := e.(StateChanged); return ok && sc.ID == s.ID() && sc.To == Reconnecting }); n != 0 {
		t.Errorf("%d reconnecting states for a session that was never up", n)
	}
	if !strings.Contains(logText(s), "trying again, as asked") {
		t.Errorf("the log does not say it tried again:\n%s", logText(s))
	}
	s.Close()
	s.Reconnect() // closed on purpose: not started again
	if st := s.Status(); st.State != Closed {
		t.Fatalf("state %s after Close and Reconnect, want closed", st.State)
	}
	m.CloseAll(context.Background())
}

// A link that was up and then cannot be used again (the server starts
// refusing sessions) keeps being retried, with backoff, and gives up after
// maxRefusals refusals in a row.
func TestSessionWasUpThenRefusedGivesUp(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFakeSSH(t, func(login int, nc ssh.NewChannel) {
		if login == 1 {
			workingShell("")(login, nc)
			return
		}
		rejectSession(login, nc)
	})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	s := m.Open(fakeOptions(f, false))
	ev.waitState(t, Up)
	f.dropAll()
	ev.waitState(t, Dropped)
	waitDone(t, s)
	var re *RefusedError
	if st := s.Status(); st.State != Failed || !errors.As(st.Cause, &re) || !strings.Contains(st.Cause.Error(), "open failed") {
		t.Fatalf("state %s, cause %v; want failed with the refusal", st.State, st.Cause)
	}
	if n := len(f.loginTimes()); n != 1+maxRefusals {
		t.Fatalf("%d logins, want %d", n, 1+maxRefusals)
	}
	m.CloseAll(context.Background())
}

// Closing a session forgets its secrets.
func TestSessionCloseForgetsSecrets(t *testing.T) {
	checkLeaks(t)
	f := newFakeSSH(t, workingShell(""))
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := fakeOptions(f, false)
	s := m.Open(opts)
	ev.waitState(t, Up)
	opts.Secrets.putPassword("u@fake:22", "hunter2")
	s.Close()
	if _, ok := opts.Secrets.password("u@fake:22"); ok {
		t.Fatal("the session's password was kept after it closed")
	}
	m.CloseAll(context.Background())
}

// An exit-signal whose name is unknown gives 255, as ssh; a known one
// 128+N.
func TestShellUnknownExitSignal(t *testing.T) {
	checkLeaks(t)
	for sig, want := range map[string]int{"NOSUCHSIG": 255, "KILL": 128 + 9} {
		f := newFakeSSH(t, workingShell(sig))
		client, closer, err := f.dial(context.Background(), DialHooks{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		sh, err := StartShell(ctx, client, ShellOptions{})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		watchOutput(sh.Stdout).waitEOF(t)
		status, err := waitShell(t, sh)
		if status != want || err != nil || sh.ExitSignal() != sig {
			t.Errorf("exit-signal %s: status %d, signal %q, err %v; want %d", sig, status, sh.ExitSignal(), err, want)
		}
		sh.Close()
		closer()
	}
}

// A server that lets the user in, shows the shell and then drops the
// connection at once, every time, is retried with growing backoff (never
// a tight loop) and is not given up on: it is not a refusal, and the
// network may be at fault.
func TestSessionDroppedAtOnceBacksOff(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	var f *fakeSSH
	f = newFakeSSH(t, fakeShell(func(_ int, ch ssh.Channel) bool {
		fmt.Fprint(ch, "hello from the fake\r\n")
		time.Sleep(20 * time.Millisecond)
		f.dropAll()
		return false
	}))
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := fakeOptions(f, false)
	s := m.Open(opts)
	deadline := time.Now().Add(20 * time.Second)
	for len(f.loginTimes()) < 6 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	logins := f.loginTimes()
	if len(logins) < 6 {
		t.Fatalf("%d logins; the session stopped retrying (state %s, %v)", len(logins), s.Status().State, s.Status().Cause)
	}
	for i := 1; i < len(logins); i++ {
		if gap, min := logins[i].Sub(logins[i-1]), opts.Backoff.Delay(i); gap < min {
			t.Errorf("login %d came %s after the previous one, before its backoff of %s", i+1, gap, min)
		}
	}
	if st := s.Status().State; st == Failed {
		t.Fatalf("a server that drops links was given up on: %v", s.Status().Cause)
	}
	m.CloseAll(context.Background())
}
