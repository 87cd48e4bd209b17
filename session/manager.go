package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session/vt"
)

// Manager owns a set of sessions and the channel their events arrive on.
// Methods are safe for concurrent use.
type Manager struct {
	clock    keepalive.Clock
	log      *slog.Logger
	hub      *hub
	cancel   context.CancelFunc // stops the dispatcher
	dispDone chan struct{}      // closed when the dispatcher has stopped
	dials    *dialSlots         // paces first connections (dialslots.go)

	cleanup *remoteCleanup // remote sessions left to end on the next connection to their host

	mu       sync.Mutex // guards sessions and nextID
	sessions []*Session
	nextID   int
}

// NewManager returns an empty manager. clock and logger may be nil.
func NewManager(clock keepalive.Clock, logger *slog.Logger) *Manager {
	if clock == nil {
		clock = keepalive.RealClock{}
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{clock: clock, log: logger, hub: newHub(), cancel: cancel, dispDone: make(chan struct{}),
		cleanup: &remoteCleanup{}, dials: newDialSlots(clock, maxDialSlots, dialSlotHold)}
	go func() { defer close(m.dispDone); m.hub.run(ctx) }()
	return m
}

// SetHeartbeatDelivery sets how long a HeartbeatUpdate may wait before it
// is delivered (d > 0; 100 ms by default). Heartbeats wait so that many
// sessions' figures arrive together: a consumer that draws them once a
// second, as the dashboard does, wakes once a second instead of ten
// times. Every other event is delivered at once and takes the waiting
// heartbeats along. Round trips are measured before, so only their
// display waits.
func (m *Manager) SetHeartbeatDelivery(d time.Duration) {
	if d <= 0 {
		return
	}
	m.hub.mu.Lock()
	m.hub.hbWait = d
	m.hub.mu.Unlock()
}

// Events is the channel every session's events arrive on, until CloseAll.
// Sessions never wait for it: a consumer may stop reading for as long as
// it likes. What it has not read coalesces per session (the latest state
// change, heartbeat and output notice, the last few log entries, the
// prompts still waiting), and state changes and prompts come before
// anything else. Session.Status is the current state at any time.
func (m *Manager) Events() <-chan Event { return m.hub.out }

// Open starts a session; it connects in the background and reports
// progress as events.
func (m *Manager) Open(opts Options) *Session {
	if opts.Clock == nil {
		opts.Clock = m.clock
	}
	if opts.Logger == nil {
		opts.Logger = m.log
	}
	if opts.Cols <= 0 || opts.Rows <= 0 {
		opts.Cols, opts.Rows = 80, 24
	}
	if opts.Heartbeat.Mode == "" {
		opts.Heartbeat = keepalive.Default()
	}
	m.mu.Lock()
	m.nextID++
	id := m.nextID
	m.mu.Unlock()

	ctx, cancel := context.WithCancelCause(context.Background())
	s := &Session{
		id:         id,
		opts:       opts,
		clock:      opts.Clock,
		log:        opts.Logger,
		pub:        publisher{h: m.hub, box: &mailbox{id: id}},
		ctx:        ctx,
		cancel:     cancel,
		done:       make(chan struct{}),
		remoteName: remoteNameFor(opts),
		cleanup:    m.cleanup,
		plainOut:   opts.Shell.NoTerminal() && !opts.TunnelOnly,
		retryNow:   make(chan struct{}, 1),
		netKick:    make(chan struct{}, 1),
		dials:      m.dials,
		screen:     vt.New(opts.Cols, opts.Rows, vt.WithScrollback(scrollbackLines(opts))),
		cols:       opts.Cols,
		rows:       opts.Rows,
	}
	s.cleanupCtx, s.cleanupCancel = context.WithCancelCause(context.Background())
	s.status = Status{ID: id, Alias: opts.Alias, Target: opts.Target, State: Resolving, Since: s.clock.Now(), TunnelOnly: opts.TunnelOnly,
		Recording: opts.Recorder != nil}
	m.mu.Lock()
	m.sessions = append(m.sessions, s)
	m.mu.Unlock()
	go s.run()
	return s
}

// Sessions returns the open sessions in the order they were opened,
// including ended ones until they are removed with Remove.
func (m *Manager) Sessions() []*Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Session(nil), m.sessions...)
}

// Get returns the session with the given ID, or nil.
func (m *Manager) Get(id int) *Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.sessions {
		if s.id == id {
			return s
		}
	}
	return nil
}

// Remove closes a session and forgets it.
func (m *Manager) Remove(id int) {
	s := m.Get(id)
	if s == nil {
		return
	}
	_ = s.Close()
	m.hub.forget(s.pub.box)
	m.mu.Lock()
	for i, x := range m.sessions {
		if x == s {
			m.sessions = append(m.sessions[:i], m.sessions[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
}

// closeGrace is how long CloseAll waits, after its context ended and
// remote cleanup was abandoned, for sessions to finish tearing down
// locally. Local teardown does not depend on the server, so this is a
// backstop.
const closeGrace = 2 * time.Second

// CloseAll closes every session in parallel, ending their remote tmux
// sessions as best it can, and stops event delivery. It returns when all
// sessions have ended or, when ctx ends first, after abandoning the remote
// cleanup still under way and giving the sessions closeGrace to tear down
// locally. The error joins every session's Close error, and names the
// sessions that had not ended.
func (m *Manager) CloseAll(ctx context.Context) error {
	t0 := time.Now()
	ss := m.Sessions()
	errs := make([]error, len(ss))
	var wg sync.WaitGroup
	for i, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CloseContext(ctx)
		}()
	}
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	select {
	case <-all:
	case <-ctx.Done():
		// CloseContext abandons the remote cleanup; wait for local teardown.
		t := time.NewTimer(closeGrace)
		select {
		case <-all:
		case <-t.C:
		}
		t.Stop()
	}
	m.log.Debug("quit: closing sessions returned", "took", time.Since(t0).Round(time.Millisecond))
	var stuck error
	select {
	case <-all:
	default:
		var open []string
		for _, s := range ss {
			select {
			case <-s.Done():
			default:
				open = append(open, fmt.Sprintf("%s (session %d)", s.Alias(), s.ID()))
			}
		}
		stuck = fmt.Errorf("closing sessions: %s still ending %s after the deadline", strings.Join(open, ", "), closeGrace)
	}
	for _, left := range m.cleanup.pending() {
		// Nothing is left silently: say what stays on which server.
		m.log.Warn("remote sessions closed while their link was down are still running; the next connection to the host ends them (sshdash sessions HOST lists them)", "left", left)
	}
	m.cancel()
	<-m.dispDone
	m.log.Debug("quit: event dispatch stopped", "took", time.Since(t0).Round(time.Millisecond))
	if stuck != nil {
		return stuck // the sessions' own errors are not all in yet
	}
	return errors.Join(errs...)
}
