package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// RequestTTY no, as ssh -T: when the link of a working session drops,
// nothing kept its command running, so the session fails with a sentence
// that says so instead of logging in again and running the command a
// second time. A tunnel-only session (-N) reconnects after the same drop.
func TestNoTTYSessionEndsOnDrop(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFakeSSH(t, workingShell(""))
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := fakeOptions(f, false)
	opts.Shell.RequestTTY = "no"
	opts.Shell.Command = "tail -f /var/log/app.log"
	s := m.Open(opts)
	ev.waitState(t, Up)
	f.dropAll()
	waitDone(t, s)
	st := s.Status()
	var nd *NoTTYDropError
	if st.State != Failed || !errors.As(st.Cause, &nd) {
		t.Fatalf("after the drop: state %s, cause %v; want Failed with a NoTTYDropError", st.State, st.Cause)
	}
	if msg := st.Cause.Error(); !strings.Contains(msg, "RequestTTY no") || !strings.Contains(msg, "not run again") {
		t.Errorf("message %q does not say why the session ended", msg)
	}
	time.Sleep(200 * time.Millisecond) // a reconnect would come within its backoff (20 ms)
	if n := len(f.loginTimes()); n != 1 {
		t.Fatalf("%d logins; the command was started again after the drop", n)
	}

	// -N: the forwards are all there is, and they come back.
	f2 := newFakeSSH(t, workingShell(""))
	opts2 := fakeOptions(f2, false)
	opts2.Shell.RequestTTY = "no"
	opts2.TunnelOnly = true
	s2 := m.Open(opts2)
	deadline := time.Now().Add(15 * time.Second)
	for s2.Status().State != Up && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	f2.dropAll()
	for len(f2.loginTimes()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n, st := len(f2.loginTimes()), s2.Status(); n < 2 || st.State == Failed {
		t.Fatalf("tunnel-only session: %d logins, state %s (%v); want a reconnect", n, st.State, st.Cause)
	}
	m.CloseAll(context.Background())
}
