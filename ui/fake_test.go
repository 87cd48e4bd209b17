package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// fakeBackend is a Backend for tests: it holds hosts and sessions in
// memory, records every call and lets the test publish events.
type fakeBackend struct {
	mu       sync.Mutex
	hosts    []Host
	errs     []string
	sessions []session.Status
	screens  map[int][]string
	syncs    []int            // SyncHistory calls
	hist     map[int][]string // history (scrollback and screen) per session; screens when nil
	logs     map[int][]session.LogEntry
	events   chan session.Event
	nextID   int
	now      func() time.Time

	opened        []string // "alias" or "alias&" for background
	closed        []int
	closedAll     []int         // sessions CloseAll closed
	closeAllCalls int           // CloseAll calls
	closeAllDue   time.Duration // CloseAll's deadline, from now
	closeAllHang  bool          // CloseAll waits for its context, as with hung servers
	reconnected   []int
	attached      []int
	saved         []savedSettings
	saveErr       error
	sessionsCalls int
	// attachResult decides what Attach's command returns.
	attachResult func(id int) AttachResult
}

type savedSettings struct {
	pattern string
	hs      HostSettings
}

func newFakeBackend(now func() time.Time) *fakeBackend {
	return &fakeBackend{
		screens: map[int][]string{},
		hist:    map[int][]string{},
		logs:    map[int][]session.LogEntry{},
		events:  make(chan session.Event, 256),
		nextID:  1,
		now:     now,
	}
}

func (f *fakeBackend) Hosts() []Host {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Host(nil), f.hosts...)
}

func (f *fakeBackend) ConfigErrors() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.errs...)
}

func (f *fakeBackend) Open(alias string, background bool) tea.Cmd {
	return f.open(alias, background, false)
}

// OpenTunnels records "alias(tunnels)" and opens a tunnel-only session.
func (f *fakeBackend) OpenTunnels(alias string) tea.Cmd { return f.open(alias, true, true) }

func (f *fakeBackend) open(alias string, background, tunnels bool) tea.Cmd {
	return func() tea.Msg {
		f.mu.Lock()
		defer f.mu.Unlock()
		name := alias
		if tunnels {
			name += "(tunnels)"
		} else if background {
			name += "&"
		}
		f.opened = append(f.opened, name)
		var host *Host
		for i := range f.hosts {
			if f.hosts[i].Alias == alias {
				host = &f.hosts[i]
			}
		}
		if host == nil {
			return OpenFailed{Alias: alias, Err: errors.New("no such host in the configuration")}
		}
		id := f.nextID
		f.nextID++
		f.sessions = append(f.sessions, session.Status{
			ID: id, Alias: alias, Target: host.Target(),
			State: session.Connecting, Stage: session.StageTCP, Since: f.now(),
			Heartbeat: keepalive.Stats{Settings: host.Heartbeat}, TunnelOnly: tunnels,
		})
		return SessionOpened{ID: id, Alias: alias, Background: background}
	}
}

func (f *fakeBackend) Sessions() []session.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessionsCalls++
	return append([]session.Status(nil), f.sessions...)
}

func (f *fakeBackend) Screen(id, cols, rows int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	lines := f.screens[id]
	if len(lines) > rows {
		lines = lines[len(lines)-rows:]
	}
	return append([]string(nil), lines...)
}

// History serves the fake's history (its screen's lines, or hist when
// set) as the real backend does: rows lines ending back lines above the
// last.
func (f *fakeBackend) History(id, back, rows, cols int) ([]string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := f.hist[id]
	if h == nil {
		h = f.screens[id]
	}
	back = max(0, min(back, len(h)-rows))
	from := max(0, len(h)-rows-back)
	return append([]string(nil), h[from:min(len(h), from+rows)]...), back
}

// SyncHistory records the call and reports success at once.
func (f *fakeBackend) SyncHistory(id int) tea.Cmd {
	f.mu.Lock()
	f.syncs = append(f.syncs, id)
	f.mu.Unlock()
	return func() tea.Msg { return HistorySynced{ID: id} }
}

func (f *fakeBackend) Log(id int) []session.LogEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]session.LogEntry(nil), f.logs[id]...)
}

func (f *fakeBackend) Reconnect(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reconnected = append(f.reconnected, id)
}

func (f *fakeBackend) Close(id int) {
	f.mu.Lock()
	f.closed = append(f.closed, id)
	var from session.State
	for i := range f.sessions {
		if f.sessions[i].ID == id {
			from = f.sessions[i].State
			f.sessions[i].State = session.Closed
		}
	}
	f.mu.Unlock()
	f.emit(session.StateChanged{ID: id, From: from, To: session.Closed, At: f.now()})
}

func (f *fakeBackend) CloseAll(ctx context.Context) error {
	f.mu.Lock()
	f.closeAllCalls++
	if d, ok := ctx.Deadline(); ok {
		f.closeAllDue = time.Until(d)
	}
	var evs []session.Event
	for i := range f.sessions {
		if s := &f.sessions[i]; !s.State.Terminal() {
			evs = append(evs, session.StateChanged{ID: s.ID, From: s.State, To: session.Closed, At: f.now()})
			s.State = session.Closed
			f.closedAll = append(f.closedAll, s.ID)
		}
	}
	hang := f.closeAllHang
	f.mu.Unlock()
	for _, ev := range evs {
		f.emit(ev)
	}
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func (f *fakeBackend) Attach(id int) tea.Cmd {
	f.mu.Lock()
	f.attached = append(f.attached, id)
	res := f.attachResult
	f.mu.Unlock()
	return func() tea.Msg {
		if res != nil {
			return res(id)
		}
		return AttachResult{ID: id, Action: AttachDetached}
	}
}

func (f *fakeBackend) SaveHostSettings(pattern string, hs HostSettings) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	f.saved = append(f.saved, savedSettings{pattern, hs})
	for i := range f.hosts {
		if f.hosts[i].Alias == pattern {
			f.hosts[i].Heartbeat = hs.Heartbeat
			f.hosts[i].HeartbeatSource = "sshdash settings"
			f.hosts[i].Reattach = hs.Reattach
		}
	}
	return nil
}

func (f *fakeBackend) Events() <-chan session.Event { return f.events }

// emit publishes an event without blocking the test.
func (f *fakeBackend) emit(ev session.Event) {
	select {
	case f.events <- ev:
	default:
	}
}

// update changes session id in place and returns the new status.
func (f *fakeBackend) update(id int, fn func(*session.Status)) session.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.sessions {
		if f.sessions[i].ID == id {
			fn(&f.sessions[i])
			return f.sessions[i]
		}
	}
	panic(fmt.Sprintf("no session %d", id))
}

// waitSession waits until the backend has opened session id.
func (f *fakeBackend) waitSession(t *testing.T, id int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		found := false
		for _, s := range f.sessions {
			found = found || s.ID == id
		}
		f.mu.Unlock()
		if found {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the backend never opened session %d", id)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// setState moves session id to state to and returns the event saying so.
func (f *fakeBackend) setState(id int, to session.State, cause error) session.StateChanged {
	var from session.State
	f.update(id, func(s *session.Status) {
		from = s.State
		s.State, s.Cause, s.Since = to, cause, f.now()
		if to == session.Up {
			s.Heartbeat.Started = f.now()
			s.Heartbeat.LastContact = f.now()
		}
	})
	return session.StateChanged{ID: id, From: from, To: to, Cause: cause, At: f.now()}
}

// quitCalls reports the CloseAll calls: how many, the sessions they
// closed, and the deadline the last one was given (from the time of the
// call).
func (f *fakeBackend) quitCalls() (calls int, closed []int, due time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closeAllCalls, append([]int(nil), f.closedAll...), f.closeAllDue
}

func (f *fakeBackend) calls() (opened []string, closed, reconnected, attached []int, saved []savedSettings) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.opened...), append([]int(nil), f.closed...),
		append([]int(nil), f.reconnected...), append([]int(nil), f.attached...),
		append([]savedSettings(nil), f.saved...)
}

// Test data.

var testT0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func fixedClock() func() time.Time { return func() time.Time { return testT0 } }

func demoHosts() []Host {
	hb := keepalive.Default()
	return []Host{
		{Alias: "web1", User: "deploy", HostName: "web1.example.com", Port: 22, Heartbeat: hb, HeartbeatSource: "default", Reattach: "auto", Group: "~/.ssh/config"},
		{Alias: "web2", User: "deploy", HostName: "web2.example.com", Port: 22, Heartbeat: hb, HeartbeatSource: "default", Reattach: "auto", Group: "~/.ssh/config"},
		{Alias: "db-primary", User: "postgres", HostName: "10.0.4.12", Port: 2222, ProxyJump: "bastion", Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 30 * time.Second, Count: 4}, HeartbeatSource: "ssh_config", Reattach: "tmux", Group: "~/.ssh/config.d/work"},
		{Alias: "bastion", User: "ops", HostName: "bastion.example.net", Port: 22, Heartbeat: keepalive.Settings{Mode: keepalive.ModeNoop, Interval: 60 * time.Second, Count: 3}, HeartbeatSource: "sshdash settings", Reattach: "none", Group: "~/.ssh/config.d/work"},
		{Alias: "build-box", User: "ci", HostName: "build.internal", Port: 22, ProxyJump: "bastion", Heartbeat: hb, HeartbeatSource: "default", Reattach: "auto", Group: "~/.ssh/config.d/work"},
		{Alias: "pi", User: "pi", HostName: "raspberrypi.local", Port: 22, Heartbeat: keepalive.Settings{Mode: keepalive.ModeTCP}, HeartbeatSource: "sshdash settings", Reattach: "screen", Group: "~/.ssh/config.d/home"},
	}
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// demoSessions covers every state the table shows.
func demoSessions() []session.Status {
	t0 := testT0
	hb := keepalive.Default()
	hist := []time.Duration{ms(21), ms(22), ms(20), ms(24), ms(31), ms(22), ms(21), ms(45), ms(23), ms(22), ms(22), ms(21)}
	return []session.Status{
		{ID: 1, Alias: "web1", Target: "deploy@web1.example.com:22", State: session.Up, Since: t0.Add(-62 * time.Minute),
			Heartbeat:  keepalive.Stats{Settings: hb, LastRTT: ms(22), Started: t0.Add(-62*time.Minute - 5*time.Second), LastContact: t0.Add(-2 * time.Second)},
			RTTHistory: hist, BytesIn: 1_234_567, BytesOut: 34_567, Reattach: "tmux"},
		{ID: 2, Alias: "db-primary", Target: "postgres@10.0.4.12:2222", State: session.Stale, Since: t0.Add(-20 * time.Second),
			Heartbeat:  keepalive.Stats{Settings: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 30 * time.Second, Count: 4}, LastRTT: ms(180), Misses: 1, Started: t0.Add(-3 * time.Hour), LastContact: t0.Add(-41 * time.Second)},
			RTTHistory: []time.Duration{ms(90), ms(120), ms(180)}, BytesIn: 88_000, BytesOut: 1_200, Reattach: "tmux"},
		{ID: 3, Alias: "web2", Target: "deploy@web2.example.com:22", State: session.Reconnecting, Attempt: 3, NextAttempt: t0.Add(4 * time.Second), DownSince: t0.Add(-35 * time.Second),
			Heartbeat: keepalive.Stats{Settings: hb, LastContact: t0.Add(-50 * time.Second)}, RTTHistory: hist[:5], BytesIn: 5_000, BytesOut: 300, Reattach: "tmux"},
		{ID: 4, Alias: "bastion", Target: "ops@bastion.example.net:22", State: session.Dropped, Cause: errors.New("no heartbeat reply for 4 intervals"),
			Heartbeat: keepalive.Stats{Settings: keepalive.Settings{Mode: keepalive.ModeNoop, Interval: time.Minute, Count: 3}, LastContact: t0.Add(-4 * time.Minute)}},
		{ID: 5, Alias: "build-box", Target: "ci@build.internal:22", State: session.Connecting, Stage: session.StageAuth, Heartbeat: keepalive.Stats{Settings: hb}},
		{ID: 6, Alias: "pi", Target: "pi@raspberrypi.local:22", State: session.Failed, Cause: errors.New("authentication refused (publickey)"), Heartbeat: keepalive.Stats{Settings: keepalive.Settings{Mode: keepalive.ModeTCP}}},
		{ID: 7, Alias: "web1", Target: "deploy@web1.example.com:22", State: session.NeedsYou, Stage: session.StageHostKey, Heartbeat: keepalive.Stats{Settings: hb}},
	}
}

func demoScreen() []string {
	return []string{
		"deploy@web1:~$ uptime",
		" 09:26:51 up 41 days,  3:12,  2 users,  load average: 0.08, 0.03, 0.01",
		"deploy@web1:~$ tail -f /var/log/app.log",
		"2026-03-14T09:26:40Z INFO request served path=/health status=200",
		"2026-03-14T09:26:50Z INFO request served path=/health status=200",
	}
}

// newDemoBackend has the demo hosts and sessions.
func newDemoBackend() *fakeBackend {
	f := newFakeBackend(fixedClock())
	f.hosts = demoHosts()
	f.sessions = demoSessions()
	f.nextID = 8
	f.screens[1] = demoScreen()
	f.logs[1] = []session.LogEntry{
		{At: testT0.Add(-62 * time.Minute), Text: "connected to web1.example.com:22 (ssh-ed25519)"},
		{At: testT0.Add(-40 * time.Minute), Text: "stale: no heartbeat reply for 15s"},
		{At: testT0.Add(-39 * time.Minute), Text: "dropped: connection reset by peer"},
		{At: testT0.Add(-39 * time.Minute), Text: "reconnecting (attempt 1)"},
		{At: testT0.Add(-38 * time.Minute), Text: "reattached after 3.2 s (tmux)"},
		{At: testT0.Add(-5 * time.Minute), Text: "setting changed: heartbeat probe 15s×3"},
	}
	return f
}
