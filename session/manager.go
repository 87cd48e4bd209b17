package session

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session/vt"
)

// Manager owns a set of sessions and the channel their events arrive on.
// Methods are safe for concurrent use.
type Manager struct {
	clock  keepalive.Clock
	log    *slog.Logger
	events chan Event
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex // guards sessions and nextID
	sessions []*Session
	nextID   int
}

// eventBuffer lets bursts of events queue while the UI is drawing.
const eventBuffer = 1024

// NewManager returns an empty manager. clock and logger may be nil.
func NewManager(clock keepalive.Clock, logger *slog.Logger) *Manager {
	if clock == nil {
		clock = keepalive.RealClock{}
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{clock: clock, log: logger, events: make(chan Event, eventBuffer), ctx: ctx, cancel: cancel}
}

// Events is the channel every session's events arrive on. The UI must keep
// reading it: sessions wait for room rather than lose a state change.
func (m *Manager) Events() <-chan Event { return m.events }

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
		pub:        publisher{ch: m.events, ctx: m.ctx},
		ctx:        ctx,
		cancel:     cancel,
		done:       make(chan struct{}),
		remoteName: newRemoteName(),
		retryNow:   make(chan struct{}, 1),
		outKick:    make(chan struct{}, 1),
		screen:     vt.New(opts.Cols, opts.Rows, vt.WithScrollback(scrollbackLines(opts))),
		cols:       opts.Cols,
		rows:       opts.Rows,
	}
	s.status = Status{ID: id, Alias: opts.Alias, Target: opts.Target, State: Resolving, Since: s.clock.Now(), TunnelOnly: opts.TunnelOnly}
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
	m.mu.Lock()
	for i, x := range m.sessions {
		if x == s {
			m.sessions = append(m.sessions[:i], m.sessions[i+1:]...)
			break
		}
	}
	m.mu.Unlock()
}

// CloseAll closes every session (ending their remote tmux sessions) and
// stops event delivery. It returns when all sessions have ended.
func (m *Manager) CloseAll() error {
	var wg sync.WaitGroup
	var errs []error
	var emu sync.Mutex // guards errs
	for _, s := range m.Sessions() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Close(); err != nil {
				emu.Lock()
				errs = append(errs, err)
				emu.Unlock()
			}
		}()
	}
	// Keep draining events while sessions close so none blocks on a full channel.
	drained := make(chan struct{})
	go func() {
		for {
			select {
			case <-m.events:
			case <-drained:
				return
			}
		}
	}()
	wg.Wait()
	close(drained)
	m.cancel()
	return errors.Join(errs...)
}
