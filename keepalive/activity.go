package keepalive

import (
	"net"
	"sync"
	"time"
)

// Activity records when a connection last received anything from its peer.
//
// It exists before the Monitor does: the SSH handshake and authentication
// run over the transport first, and the Monitor is only started once the
// session is authenticated. Wrap the transport with WatchConn (or call
// Record from the transport's reader), then hand the same Activity to
// NewMonitor.
//
// An Activity is safe for concurrent use. Record is cheap (one clock read
// and one uncontended lock), so it can be called on every read.
type Activity struct {
	clk  Clock
	wake chan struct{} // buffered 1: signals a Record after arm

	mu    sync.Mutex // guards last, bytes and armed
	last  time.Time
	bytes uint64
	armed bool
}

// NewActivity returns an Activity that timestamps with clk (RealClock when
// clk is nil).
func NewActivity(clk Clock) *Activity {
	if clk == nil {
		clk = RealClock{}
	}
	return &Activity{clk: clk, wake: make(chan struct{}, 1)}
}

// Record notes that n bytes were received from the peer now. Calls with
// n <= 0 are ignored.
func (a *Activity) Record(n int) {
	if n <= 0 {
		return
	}
	now := a.clk.Now()
	a.mu.Lock()
	a.last = now
	a.bytes += uint64(n)
	armed := a.armed
	a.armed = false
	a.mu.Unlock()
	if armed {
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
}

// Last returns when something was last received; the zero time if nothing
// has been.
func (a *Activity) Last() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// Bytes returns the total number of bytes recorded.
func (a *Activity) Bytes() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bytes
}

// arm asks for one signal on the wake channel at the next Record. The
// monitor arms while the link is Stale, so that any traffic brings it back
// Up at once without waking the engine on every read the rest of the time.
func (a *Activity) arm() {
	a.mu.Lock()
	a.armed = true
	a.mu.Unlock()
}

// WatchConn wraps a transport so that every successful Read is recorded in
// a. Writes and everything else pass through unchanged. The returned conn's
// NetConn method returns c, so socket options can still be set on it (see
// SetUserTimeout).
func WatchConn(c net.Conn, a *Activity) net.Conn {
	return &watchedConn{Conn: c, act: a}
}

type watchedConn struct {
	net.Conn
	act *Activity
}

// Read reads from the underlying conn and records what arrived.
func (w *watchedConn) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	w.act.Record(n)
	return n, err
}

// NetConn returns the wrapped connection.
func (w *watchedConn) NetConn() net.Conn { return w.Conn }
