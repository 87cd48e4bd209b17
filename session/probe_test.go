package session

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// holeConn is a client transport that can fall into a blackhole: once
// swallowed, nothing it writes reaches the server and nothing the server
// sends reaches it, as when the local network changed under it.
type holeConn struct {
	net.Conn
	mu     sync.Mutex // guards inHole
	inHole bool
	closed chan struct{}
	once   sync.Once
}

func (c *holeConn) hole() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.inHole }

func (c *holeConn) swallow() { c.mu.Lock(); c.inHole = true; c.mu.Unlock() }

func (c *holeConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if !c.hole() || err != nil {
			return n, err
		}
		// In the hole: what arrived is lost; read on until closed.
	}
}

func (c *holeConn) Write(p []byte) (int, error) {
	if c.hole() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *holeConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// holeDialer dials the fake server through holeConns and can swallow the
// current one.
type holeDialer struct {
	f     *fakeSSH
	mu    sync.Mutex // guards conns
	conns []*holeConn
}

func (d *holeDialer) dial(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
	wrap := h.WrapConn
	h.WrapConn = func(c net.Conn) net.Conn {
		hc := &holeConn{Conn: c, closed: make(chan struct{})}
		d.mu.Lock()
		d.conns = append(d.conns, hc)
		d.mu.Unlock()
		if wrap != nil {
			return wrap(hc)
		}
		return hc
	}
	return d.f.dial(ctx, h)
}

// swallowAll puts every connection made so far in the hole.
func (d *holeDialer) swallowAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.swallow()
	}
}

func (e *events) states(id int) []State {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []State
	for _, ev := range e.list {
		if sc, ok := ev.(StateChanged); ok && sc.ID == id {
			out = append(out, sc.To)
		}
	}
	return out
}

func waitState(t *testing.T, s *Session, what string, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		st := s.Status()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("session %d (%s): never %s; now %s (%v)", s.ID(), s.Alias(), what, st.State, st.Cause)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProbeAllDropsOnlyDeadLinks: three sessions with a one-minute
// heartbeat, one of them in a blackhole. ProbeAll drops that one within a
// few seconds (its heartbeat alone would take four minutes), records why,
// and redials it at once; the two live ones answer and stay up.
func TestProbeAllDropsOnlyDeadLinks(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFakeSSH(t, workingShell(""))
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())

	hd := &holeDialer{f: f}
	var live []*Session
	for _, alias := range []string{"live1", "live2"} {
		o := fakeOptions(f, false)
		o.Alias = alias
		live = append(live, m.Open(o))
	}
	o := fakeOptions(f, false)
	o.Alias, o.Dial = "holed", hd.dial
	dead := m.Open(o)
	for _, s := range append(live, dead) {
		waitState(t, s, "up", func(st Status) bool { return st.State == Up })
	}

	hd.swallowAll()
	start := time.Now()
	if sum := m.ProbeAll(ReasonNetworkChanged); sum.Probed != 3 || sum.Hurried != 0 {
		t.Fatalf("ProbeAll = %+v, want 3 probed", sum)
	}
	st := waitState(t, dead, "dropped", func(st Status) bool { return st.DropCause != CauseNone })
	found := time.Since(start)
	drop := ev.waitFor(t, "the drop", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == dead.ID() && sc.To == Dropped
	}).(StateChanged)
	var de *keepalive.DeadError
	if st.DropCause != CauseNetworkChanged || !errors.As(drop.Cause, &de) || de.Probe != ReasonNetworkChanged {
		t.Fatalf("drop cause %v (%v), want network changed from the probe", st.DropCause, drop.Cause)
	}
	if limit := 10 * time.Second; found > limit { // its heartbeat alone: 4 minutes
		t.Fatalf("dead link found after %s", found)
	}
	t.Logf("dead link found %s after ProbeAll", found)
	// Redialled at once (not after a backoff), over a working network.
	waitState(t, dead, "up again", func(st Status) bool { return st.State == Up })
	if n := len(f.loginTimes()); n != 4 {
		t.Errorf("%d logins, want 4 (three, and the redial)", n)
	}
	for _, s := range live {
		if st := s.Status(); st.State != Up || st.Heartbeat.Answered < 1 {
			t.Errorf("%s: %s with %d answers; the live link should have answered the probe and stayed up", s.Alias(), st.State, st.Heartbeat.Answered)
		}
		for _, to := range ev.states(s.ID()) {
			if to == Dropped || to == Reconnecting {
				t.Errorf("%s went %s after the probe", s.Alias(), to)
			}
		}
	}
	found2 := false
	for _, e := range dead.Log() {
		if e.Text == ReasonNetworkChanged+": checking the link now" {
			found2 = true
		}
	}
	if !found2 {
		t.Errorf("the probe is not in the session's log: %v", dead.Log())
	}
}

// TestProbeAllHurriesWaitingSession: a session waiting an hour before its
// next reconnect attempt tries at once when the network changes.
func TestProbeAllHurriesWaitingSession(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFakeSSH(t, workingShell(""))
	m := NewManager(nil, nil)
	defer m.CloseAll(context.Background())
	o := fakeOptions(f, false)
	o.Backoff.ProbeEvery, o.Backoff.Base, o.Backoff.Max = time.Hour, time.Hour, time.Hour
	s := m.Open(o)
	waitState(t, s, "up", func(st Status) bool { return st.State == Up })

	f.refuse.Store(true)
	f.dropAll()
	st := waitState(t, s, "waiting to reconnect", func(st Status) bool {
		return st.State == Reconnecting && st.NextAttempt.After(time.Now().Add(time.Minute))
	})
	if st.DropCause == CauseNone {
		t.Errorf("no drop cause recorded for %v", st.Cause)
	}
	f.refuse.Store(false)
	if sum := m.ProbeAll(ReasonResumed); sum.Hurried != 1 || sum.Probed != 0 {
		t.Fatalf("ProbeAll = %+v, want 1 hurried", sum)
	}
	waitState(t, s, "up again", func(st Status) bool { return st.State == Up })
}

// TestClassifyDrop: each kind of ending gets its cause.
func TestClassifyDrop(t *testing.T) {
	resetOp := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for _, tc := range []struct {
		err  error
		want DropCause
	}{
		{nil, CauseNone},
		{&keepalive.DeadError{Misses: 3}, CauseSilence},
		{&keepalive.DeadError{Probe: ReasonNetworkChanged}, CauseNetworkChanged},
		{&keepalive.DeadError{Probe: ReasonResumed}, CauseResumed},
		{&lostError{shell: errors.New("the remote shell ended without an exit status"), transport: resetOp}, CauseReset},
		{&lostError{shell: errors.New("x"), transport: syscall.ETIMEDOUT}, CauseSilence},
		{errClosedByServer, CauseServerClosed},
		{&lostError{shell: errors.New("x"), transport: errors.New("ssh: disconnect, reason 11: bye")}, CauseServerClosed},
		{&AuthError{User: "u", Host: "h"}, CauseAuth},
		{&RefusedError{Count: 5, Err: errors.New("open failed")}, CauseOther},
	} {
		if got := ClassifyDrop(tc.err); got != tc.want {
			t.Errorf("ClassifyDrop(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	e := &lostError{shell: errors.New("the remote shell ended without an exit status"), transport: resetOp}
	if want := "connection lost: the remote shell ended without an exit status (read tcp: connection reset by peer)"; e.Error() != want {
		t.Errorf("lostError = %q, want %q", e.Error(), want)
	}
}
