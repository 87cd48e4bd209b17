package session

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// staller wraps the connections it dials so that a test can make the link
// silent without closing it, as a blackhole does: while frozen, bytes
// received are held back and bytes written are buffered, as a kernel send
// buffer holds them; resuming delivers both, in order.
type staller struct {
	mu     sync.Mutex // guards frozen and conns
	cond   *sync.Cond
	frozen bool
	conns  []*stalledConn
	dial   func(ctx context.Context, network, addr string) (net.Conn, error)
}

type stalledConn struct {
	net.Conn
	f       *staller
	pending []byte // written while frozen; guarded by f.mu
	closed  bool   // guarded by f.mu
}

func newStaller(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *staller {
	f := &staller{dial: dial}
	f.cond = sync.NewCond(&f.mu)
	return f
}

func (f *staller) dialTCP(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := f.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	fc := &stalledConn{Conn: c, f: f}
	f.mu.Lock()
	f.conns = append(f.conns, fc)
	f.mu.Unlock()
	return fc, nil
}

func (f *staller) stall() {
	f.mu.Lock()
	f.frozen = true
	f.mu.Unlock()
}

// resume delivers what was written while frozen and lets reads go on.
func (f *staller) resume() {
	f.mu.Lock()
	f.frozen = false
	for _, c := range f.conns {
		if len(c.pending) > 0 && !c.closed {
			_, _ = c.Conn.Write(c.pending)
		}
		c.pending = nil
	}
	f.cond.Broadcast()
	f.mu.Unlock()
}

func (c *stalledConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.f.mu.Lock()
	for c.f.frozen && !c.closed {
		c.f.cond.Wait()
	}
	c.f.mu.Unlock()
	return n, err
}

func (c *stalledConn) Write(p []byte) (int, error) {
	c.f.mu.Lock()
	if c.f.frozen && !c.closed {
		c.pending = append(c.pending, p...)
		c.f.mu.Unlock()
		return len(p), nil
	}
	c.f.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *stalledConn) Close() error {
	c.f.mu.Lock()
	c.closed = true
	c.pending = nil
	c.f.cond.Broadcast()
	c.f.mu.Unlock()
	return c.Conn.Close()
}

// optionsVia is f.options with the TCP dial replaced.
func (f *fixture) optionsVia(mode ReattachMode, dialTCP func(ctx context.Context, network, addr string) (net.Conn, error)) Options {
	o := f.options(mode)
	target := f.target
	o.Dial = func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
		c, err := Dial(ctx, DialOptions{Target: target, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, DialTCP: dialTCP, Fast: h.Fast})
		if err != nil {
			return nil, nil, err
		}
		return c.Client(), c.Close, nil
	}
	return o
}

// A line refused while the session is reconnecting is never run, also not
// once the same shell is back (tmux reattach): nothing was queued.
func TestWriteIfUpRefusedWhileReconnectingNeverDelivered(t *testing.T) {
	needTmux(t)
	checkLeaks(t)
	testWatchdog(t, 90*time.Second)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	s := m.Open(f.options(ReattachAuto))
	defer m.CloseAll(context.Background())
	ev.waitState(t, Up)
	if err := s.WriteIfUp([]byte("echo ready-$((6*7))\r")); err != nil {
		t.Fatalf("write while up: %v", err)
	}
	screenHas(t, s, "ready-42")

	f.cut.cut(true)
	ev.waitState(t, Reconnecting)
	refused := filepath.Join(f.dir, "refused")
	err := s.WriteIfUp([]byte("touch " + refused + "\r"))
	var nu *NotUpError
	if !errors.As(err, &nu) || !errors.Is(err, ErrLinkDown) {
		t.Fatalf("write while reconnecting: %v, want a *NotUpError wrapping ErrLinkDown", err)
	}
	if nu.State != Dropped && nu.State != Reconnecting {
		t.Fatalf("refusal names state %s, want dropped or reconnecting (%v)", nu.State, err)
	}
	f.cut.setRefuse(false)
	ev.waitFor(t, "up again", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.To == Up && sc.From != Connecting
	})
	// A line sent now runs; had the refused one been kept, it would have
	// run before it.
	after := filepath.Join(f.dir, "after")
	if err := s.WriteIfUp([]byte("touch " + after + "\r")); err != nil {
		t.Fatalf("write after the reconnect: %v", err)
	}
	waitExists(t, after)
	time.Sleep(300 * time.Millisecond)
	if exists(refused) {
		t.Fatal("the line refused while reconnecting ran after the reconnect")
	}
}

// A Stale link is refused too, although it may recover without a drop:
// bytes written to it (Write accepts them) sit in its buffers and run when
// it recovers; WriteIfUp's never do.
func TestWriteIfUpRefusesStaleLink(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, 90*time.Second)
	f := newFixture(t)
	fr := newStaller(f.cut.dial)
	opts := f.optionsVia(ReattachNone, fr.dialTCP)
	// Stale after about a second; dead only after six.
	opts.Heartbeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Second, Count: 5}
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	s := m.Open(opts)
	defer m.CloseAll(context.Background())
	ev.waitState(t, Up)
	if err := s.WriteIfUp([]byte("echo ready-$((6*7))\r")); err != nil {
		t.Fatalf("write while up: %v", err)
	}
	screenHas(t, s, "ready-42")

	fr.stall()
	ev.waitState(t, Stale)
	refused := filepath.Join(f.dir, "refused")
	err := s.WriteIfUp([]byte("touch " + refused + "\r"))
	var nu *NotUpError
	if !errors.As(err, &nu) || nu.State != Stale {
		t.Fatalf("write while stale: %v, want a *NotUpError for stale", err)
	}
	// The hazard WriteIfUp avoids: Write takes the line, and it runs
	// when the link recovers.
	late := filepath.Join(f.dir, "late")
	if _, err := s.Write([]byte("touch " + late + "\r")); err != nil {
		t.Fatalf("Write while stale: %v", err)
	}
	fr.resume()
	ev.waitFor(t, "up again", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.To == Up
	})
	waitExists(t, late)
	if exists(refused) {
		t.Fatal("the line refused while stale ran when the link recovered")
	}
	after := filepath.Join(f.dir, "after")
	if err := s.WriteIfUp([]byte("touch " + after + "\r")); err != nil {
		t.Fatalf("write after recovery: %v", err)
	}
	waitExists(t, after)
	time.Sleep(300 * time.Millisecond)
	if exists(refused) {
		t.Fatal("the line refused while stale ran later")
	}
}

// Note adds the caller's sentence to the event log.
func TestNoteLogs(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	s := m.Open(f.options(ReattachNone))
	defer m.CloseAll(context.Background())
	s.Note("broadcast: skipped (stale)")
	ev.waitFor(t, "the note", func(e Event) bool {
		l, ok := e.(Logged)
		return ok && l.Entry.Text == "broadcast: skipped (stale)"
	})
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func waitExists(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exists(path) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s was not created", path)
}
