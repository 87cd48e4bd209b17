package keepalive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// RequestName is the SSH global request sent as a heartbeat, the same one
// OpenSSH's ServerAliveInterval sends. Servers that do not know it answer
// with a failure, which proves the link just as well.
const RequestName = "keepalive@openssh.com"

// SSH payload sizes of one heartbeat (RFC 4254 §4), before the transport
// adds its packet framing, padding and MAC.
const (
	// RequestBytes is SSH_MSG_GLOBAL_REQUEST: type byte, name as an SSH
	// string (4-byte length + name) and the want-reply boolean.
	RequestBytes = 1 + 4 + len(RequestName) + 1
	// ReplyBytes is SSH_MSG_REQUEST_SUCCESS or _FAILURE with no data.
	ReplyBytes = 1
	// ExchangeBytes is one probe and its reply.
	ExchangeBytes = RequestBytes + ReplyBytes
)

// Requester sends SSH global requests. *ssh.Client (and ssh.Conn) from
// golang.org/x/crypto/ssh satisfy it. SendRequest must return once the
// connection is closed, even if the peer never replied.
type Requester interface {
	SendRequest(name string, wantReply bool, payload []byte) (bool, []byte, error)
}

// DeadError is returned by Run (and passed to the kill func) when Count
// heartbeats in a row went unanswered.
type DeadError struct {
	Misses   int           // consecutive missed heartbeats
	Silence  time.Duration // time since anything was last received
	Settings Settings      // the settings in force
	// Probe is set when an immediate probe (Monitor.Probe) found the link
	// dead: what asked for it, e.g. "network changed". ProbeWait is how
	// long that probe waited.
	Probe     string
	ProbeWait time.Duration
}

// Error describes the dead link, e.g. "heartbeat: 3 keepalives unanswered,
// nothing received for 1m0s".
func (e *DeadError) Error() string {
	if e.Probe != "" {
		return fmt.Sprintf("heartbeat: no reply within %s to a probe sent because the %s, nothing received for %s",
			e.ProbeWait.Round(time.Millisecond), e.Probe, e.Silence.Round(time.Millisecond))
	}
	return fmt.Sprintf("heartbeat: %d keepalives unanswered, nothing received for %s", e.Misses, e.Silence.Round(time.Millisecond))
}

// Monitor is the heartbeat engine of one authenticated SSH connection.
//
// Create it with NewMonitor once authentication has completed (no
// heartbeat is ever sent before), run it with Run, and read its figures
// with Stats or Updates. SetSettings changes its settings while it runs.
// All methods are safe for concurrent use.
type Monitor struct {
	conn Requester
	act  *Activity
	kill func(error)
	clk  Clock

	updates  chan Stats    // buffered 1: holds only the latest Stats
	changed  chan struct{} // buffered 1: SetSettings stored new pending settings
	probes   chan probeReq // buffered 1: the latest pending Probe
	running  atomic.Bool   // Run has been called
	finished chan struct{} // closed when Run returns
	notify   func(Stats)   // set by Notify before Run: replaces publishing on updates
	align    time.Duration // set by Align before Run: checkpoints rounded up to multiples of it

	mu      sync.Mutex // guards stats and pending
	stats   Stats      // published figures; LastContact is filled from act on read
	pending Settings   // latest settings from SetSettings, normalized
}

// NewMonitor returns a Monitor for conn, which must already be
// authenticated. act is the connection's Activity (see WatchConn); nil
// creates one that only Received feeds. kill closes the connection and is
// called once, with a *DeadError, when the link is declared dead; nil means
// the caller closes it after Run returns. clk nil means RealClock. s is
// normalized (see Settings.Normalized).
func NewMonitor(conn Requester, act *Activity, kill func(error), s Settings, clk Clock) *Monitor {
	if clk == nil {
		clk = RealClock{}
	}
	if act == nil {
		act = NewActivity(clk)
	}
	s = s.Normalized()
	return &Monitor{
		conn:     conn,
		act:      act,
		kill:     kill,
		clk:      clk,
		updates:  make(chan Stats, 1),
		changed:  make(chan struct{}, 1),
		probes:   make(chan probeReq, 1),
		finished: make(chan struct{}),
		stats:    Stats{Settings: s, Liveness: Up, Started: clk.Now()},
		pending:  s,
	}
}

// Received records that n bytes arrived from the peer: it resets the miss
// count and updates the last contact. It is Activity.Record on the
// monitor's Activity; a transport wrapped with WatchConn calls it already.
func (m *Monitor) Received(n int) { m.act.Record(n) }

// Activity returns the Activity the monitor reads.
func (m *Monitor) Activity() *Activity { return m.act }

// Stats returns the current figures.
func (m *Monitor) Stats() Stats {
	last := m.act.Last()
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.stats
	if last.After(st.LastContact) {
		st.LastContact = last
	}
	return st
}

// Updates returns a channel that carries the latest Stats after every
// change the engine makes (probe sent, reply, miss, liveness or settings
// change). It holds one value: a reader that falls behind sees only the
// newest figures, and the engine never blocks on it. It is never closed
// (so a select on it never spins); Done reports the end of Run.
func (m *Monitor) Updates() <-chan Stats { return m.updates }

// Notify makes Run call f with the latest Stats wherever it would put
// them on Updates, instead of putting them there, so that the owner of a
// connection hears of a change without a goroutine of its own waking for
// it. f runs on Run's goroutine, with no lock of the Monitor held, and
// must not block. Call it before Run.
func (m *Monitor) Notify(f func(Stats)) { m.notify = f }

// Align makes Run round each checkpoint up to the next multiple of q (of
// the clock's time since its zero), so that the heartbeats of many
// monitors in one process fall due together and are sent in one wakeup
// of the process instead of one each. Each interval grows by up to q, and
// so does the time until a dead link is declared dead. Call it before
// Run; q <= 0 (the default) aligns nothing.
func (m *Monitor) Align(q time.Duration) { m.align = q }

// Done returns a channel that is closed when Run has returned.
func (m *Monitor) Done() <-chan struct{} { return m.finished }

// SetSettings changes the settings; a running monitor applies them at once
// (a shorter interval that is already overdue fires immediately, a lower
// count that is already reached declares the link dead). s is normalized.
func (m *Monitor) SetSettings(s Settings) {
	s = s.Normalized()
	m.mu.Lock()
	m.pending = s
	m.stats.Settings = s
	m.mu.Unlock()
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// Run drives the heartbeat until ctx is done (it returns nil) or the link
// is declared dead (it calls kill with a *DeadError, publishes the Dead
// Stats and returns that error). Run may be called once.
//
// A closed connection is not a verdict of the heartbeat: if SendRequest
// fails because the connection is already gone, Run stops sending and
// waits for ctx (the session notices the closed transport itself, with
// its real cause). A heartbeat still blocked in SendRequest when Run
// returns ends when the connection is closed; Run does not wait for it.
func (m *Monitor) Run(ctx context.Context) error {
	if !m.running.CompareAndSwap(false, true) {
		return errors.New("keepalive: Monitor.Run called more than once")
	}
	defer close(m.finished)

	e := newEngine(m)
	defer close(e.done)
	defer e.stop()
	e.apply()
	e.schedule()
	m.publish()

	for {
		before := m.Stats()
		select {
		case <-ctx.Done():
			return nil
		case <-e.timerC():
			e.tick()
		case <-e.lateC():
			e.lateTick()
		case r := <-e.replies:
			e.reply(r)
		case <-m.act.wake:
			e.heard()
		case <-m.changed:
			e.apply()
		case r := <-m.probes:
			e.probe(r)
		case <-e.probeC():
			e.probeTick()
		}
		if e.dead != nil {
			m.update(func(st *Stats) { st.Liveness = Dead })
			if m.kill != nil {
				m.kill(e.dead)
			}
			m.publish()
			return e.dead
		}
		e.schedule()
		if !onlyStarted(before, m.Stats()) {
			m.publish()
		}
	}
}

// onlyStarted reports whether the step from a to b only started a
// heartbeat. That is not published: the reply (or its absence) follows
// within a fraction of the interval, and with a thousand sessions every
// publication wakes a consumer. What a heartbeat in flight looks like is
// in Stats at any time.
func onlyStarted(a, b Stats) bool {
	if !a.InFlightSince.IsZero() || b.InFlightSince.IsZero() {
		return false
	}
	b.Sent, b.Bytes, b.InFlightSince = a.Sent, a.Bytes, a.InFlightSince
	return a == b
}

// update changes the published figures under the lock.
func (m *Monitor) update(f func(*Stats)) {
	m.mu.Lock()
	f(&m.stats)
	m.mu.Unlock()
}

// publish replaces whatever Updates holds with the current Stats. Only the
// Run goroutine sends, so the loop ends after at most one drain.
func (m *Monitor) publish() {
	st := m.Stats()
	if m.notify != nil {
		m.notify(st)
		return
	}
	for {
		select {
		case m.updates <- st:
			return
		default:
		}
		select {
		case <-m.updates:
		default:
		}
	}
}
