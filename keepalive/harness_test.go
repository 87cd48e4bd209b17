package keepalive_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/keepalive/clocktest"
)

// guard bounds every wait so a broken engine fails a test instead of
// hanging it. It is never part of an assertion.
const guard = 10 * time.Second

// t0 is the fake clock's start.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// call is one SendRequest seen by fakeConn.
type call struct {
	name  string
	want  bool
	reply chan bool // true/false answers the probe (success/failure)
}

// fakeConn is a Requester whose probes are answered by the test.
// SendRequest blocks until the test answers or the conn is closed.
type fakeConn struct {
	calls  chan call
	closed chan struct{}
	once   sync.Once
}

func newFakeConn() *fakeConn {
	return &fakeConn{calls: make(chan call, 64), closed: make(chan struct{})}
}

func (f *fakeConn) SendRequest(name string, want bool, _ []byte) (bool, []byte, error) {
	c := call{name: name, want: want, reply: make(chan bool, 1)}
	select {
	case f.calls <- c:
	case <-f.closed:
		return false, nil, io.EOF
	}
	if !want {
		return false, nil, nil
	}
	select {
	case ok := <-c.reply:
		return ok, nil, nil
	case <-f.closed:
		return false, nil, io.EOF
	}
}

func (f *fakeConn) Close() { f.once.Do(func() { close(f.closed) }) }

// harness runs one Monitor on a fake clock and a fakeConn.
type harness struct {
	t      *testing.T
	clk    *clocktest.Clock
	conn   *fakeConn
	act    *keepalive.Activity
	m      *keepalive.Monitor
	killed chan error // the kill func's argument
	runErr chan error // Run's result
	cancel context.CancelFunc
}

func start(t *testing.T, s keepalive.Settings) *harness {
	t.Helper()
	clk := clocktest.New(t0)
	h := &harness{
		t:      t,
		clk:    clk,
		conn:   newFakeConn(),
		act:    keepalive.NewActivity(clk),
		killed: make(chan error, 1),
		runErr: make(chan error, 1),
	}
	kill := func(err error) {
		h.killed <- err
		h.conn.Close()
	}
	h.m = keepalive.NewMonitor(h.conn, h.act, kill, s, clk)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.runErr <- h.m.Run(ctx) }()
	t.Cleanup(h.stop)
	if s.Mode == keepalive.ModeProbe || s.Mode == keepalive.ModeNoop {
		h.block()
	}
	return h
}

// stop ends Run and closes the conn so no goroutine outlives the test.
func (h *harness) stop() {
	h.cancel()
	select {
	case <-h.m.Done():
	case <-time.After(guard):
		h.t.Error("Run did not return after cancel")
	}
	h.conn.Close()
}

// block waits until the engine has armed its timer again.
func (h *harness) block() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guard)
	defer cancel()
	if err := h.clk.BlockUntilContext(ctx, 1); err != nil {
		h.t.Fatalf("engine never re-armed its timer at %s", h.clk.Now().Sub(t0))
	}
}

// advance moves the clock and waits for the engine to handle what fell due.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clk.Advance(d)
	h.block()
}

// at is the fake time elapsed since start.
func (h *harness) at() time.Duration { return h.clk.Now().Sub(t0) }

// expectCall waits for the next SendRequest.
func (h *harness) expectCall(want bool) call {
	h.t.Helper()
	select {
	case c := <-h.conn.calls:
		if c.name != keepalive.RequestName || c.want != want {
			h.t.Fatalf("at %s: SendRequest(%q, want=%v), expected (%q, want=%v)", h.at(), c.name, c.want, keepalive.RequestName, want)
		}
		return c
	case <-time.After(guard):
		h.t.Fatalf("at %s: no SendRequest", h.at())
	}
	return call{}
}

// expectNoop waits for a noop heartbeat and for the engine to see its
// SendRequest return (so the next checkpoint does not find it in flight).
func (h *harness) expectNoop() {
	h.t.Helper()
	h.expectCall(false)
	n := h.m.Stats().Sent
	h.waitStats("the noop written", func(st keepalive.Stats) bool { return st.Sent == n && st.InFlightSince.IsZero() })
}

// sent asserts how many heartbeats were sent so far (reliable after
// advance: the engine counts a send before it re-arms).
func (h *harness) sent(n uint64) {
	h.t.Helper()
	if got := h.m.Stats().Sent; got != n {
		h.t.Fatalf("at %s: %d heartbeats sent, want %d", h.at(), got, n)
	}
}

// waitStats reads Updates until ok accepts one, and returns it.
func (h *harness) waitStats(what string, ok func(keepalive.Stats) bool) keepalive.Stats {
	h.t.Helper()
	timeout := time.After(guard)
	var last keepalive.Stats
	for {
		select {
		case st := <-h.m.Updates():
			if ok(st) {
				return st
			}
			last = st
		case <-timeout:
			h.t.Fatalf("at %s: never saw %s; last %+v", h.at(), what, last)
		}
	}
}

func (h *harness) waitLive(l keepalive.Liveness, misses int) keepalive.Stats {
	h.t.Helper()
	return h.waitStats(l.String(), func(st keepalive.Stats) bool { return st.Liveness == l && st.Misses == misses })
}

// runResult waits for Run to return.
func (h *harness) runResult() error {
	h.t.Helper()
	select {
	case err := <-h.runErr:
		h.runErr <- err // keep it for stop
		return err
	case <-time.After(guard):
		h.t.Fatalf("at %s: Run did not return", h.at())
	}
	return nil
}

func asDead(t *testing.T, err error) *keepalive.DeadError {
	t.Helper()
	var d *keepalive.DeadError
	if !errors.As(err, &d) {
		t.Fatalf("error %v (%T), want *keepalive.DeadError", err, err)
	}
	return d
}

func probe(interval time.Duration, count int) keepalive.Settings {
	return keepalive.Settings{Mode: keepalive.ModeProbe, Interval: interval, Count: count}
}
