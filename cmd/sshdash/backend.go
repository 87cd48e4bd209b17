package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"golang.org/x/term"

	"github.com/sshdash/sshdash/config"
	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/ui"
	"github.com/sshdash/sshdash/ui/attach"
	"github.com/sshdash/sshdash/ui/screen"
)

// backend implements ui.Backend on the session manager, the ssh
// configuration and sshdash's settings.
type backend struct {
	a        *app
	warnings []string
	hosts    []ui.Host

	mu       sync.Mutex // guards settings writes
	tty      *os.File   // the terminal attach takes over; nil without one
	prefix   byte
	statusOn bool
	news     *detachedNews // host lists found by sessions' first connections
	// scr draws the dashboard; an attach is handed the terminal through
	// it. Nil when no dashboard draws (the commands without one).
	scr *screen.Screen
}

func newBackend(a *app) *backend {
	b := &backend{a: a, warnings: a.warnings, prefix: a.prefix(), statusOn: a.settings.StatusBar(), news: newDetachedNews()}
	b.tty, _ = ttyFiles(a.e)
	b.hosts = hostsOf(a)
	return b
}

// hostsOf lists the configuration's concrete hosts with what they resolve
// to (no Match exec while listing, as ssh's own listing would not run it).
// Hosts share a few files and heartbeats: each file's display path and
// each heartbeat's source are worked out once.
func hostsOf(a *app) []ui.Host {
	hosts := a.cfg.Hosts()
	out := make([]ui.Host, 0, len(hosts))
	hbt := heartbeatTexts{}
	groups := map[string]string{} // file → displayPath(file)
	for _, h := range hosts {
		group, ok := groups[h.File]
		if !ok {
			group = displayPath(h.File)
			groups[h.File] = group
		}
		r, err := a.cfg.Resolve(h.Alias, config.ResolveOptions{})
		if err != nil {
			out = append(out, ui.Host{Alias: h.Alias, Group: group, Tags: hostTags(h, a.settings), ConfigTags: h.Tags})
			continue
		}
		hb := a.opener.HeartbeatFor(h.Alias, r)
		_, src := hbt.texts(hb)
		out = append(out, ui.Host{
			Alias:           h.Alias,
			User:            r.User(),
			HostName:        r.HostName(),
			Port:            r.Port(),
			ProxyJump:       r.ProxyJump(),
			Heartbeat:       hb.Settings,
			HeartbeatSource: src,
			Reattach:        a.settings.Reattach(h.Alias).Value,
			Group:           group,
			Tags:            hostTags(h, a.settings),
			ConfigTags:      h.Tags,
		})
	}
	return out
}

// displayPath shortens the home directory to ~.
func displayPath(p string) string {
	if home, err := os.UserHomeDir(); err == nil && home != "" && len(p) > len(home) && p[:len(home)] == home && p[len(home)] == '/' {
		return "~" + p[len(home):]
	}
	return p
}

// The methods below implement ui.Backend; see its documentation.

func (b *backend) Hosts() []ui.Host             { return b.hosts }
func (b *backend) ConfigErrors() []string       { return b.warnings }
func (b *backend) Events() <-chan session.Event { return b.a.mgr.Events() }

func (b *backend) Open(alias string, background bool) tea.Cmd {
	return b.open(alias, background, false)
}

// OpenTunnels opens alias for its forwards only (ssh -N), in the background.
func (b *backend) OpenTunnels(alias string) tea.Cmd { return b.open(alias, true, true) }

func (b *backend) open(alias string, background, tunnelOnly bool) tea.Cmd {
	return b.openSession(alias, background, tunnelOnly, "")
}

// openSession opens a session to alias; resume, when set, is the detached
// remote session it attaches to instead of a new shell.
func (b *backend) openSession(alias string, background, tunnelOnly bool, resume string) tea.Cmd {
	return func() tea.Msg {
		p, err := b.a.opener.Plan(alias)
		if err != nil {
			return ui.OpenFailed{Alias: alias, Err: err}
		}
		cols, rows := b.size()
		opts := b.a.opener.Options(p, tunnelOnly, cols, rows)
		opts.ResumeName = resume
		if !tunnelOnly {
			opts.OnRemoteSessions = b.onRemoteSessions(alias)
		}
		bind := b.a.left.track(&opts, alias)
		if err := b.a.startRecording(&opts, alias, ""); err != nil {
			b.a.log.Warn(err.Error()) // the session opens unrecorded
		}
		sw, _ := b.a.startWatching(&opts, alias, nil)
		s := b.a.mgr.Open(opts)
		bind(s)
		b.a.watching(sw, s)
		return ui.SessionOpened{ID: s.ID(), Alias: alias, Background: background}
	}
}

// size is the terminal size a new session starts with (minus the status bar).
func (b *backend) size() (int, int) {
	if b.tty != nil {
		if c, r, err := term.GetSize(int(b.tty.Fd())); err == nil {
			if b.statusOn {
				r--
			}
			return c, r
		}
	}
	return 80, 24
}

func (b *backend) Sessions() []session.Status {
	ss := b.a.mgr.Sessions()
	out := make([]session.Status, len(ss))
	for i, s := range ss {
		out[i] = s.Status()
	}
	return out
}

func (b *backend) Screen(id, cols, rows int) []string {
	if s := b.a.mgr.Get(id); s != nil {
		return s.Preview(cols, rows)
	}
	return nil
}

func (b *backend) Log(id int) []session.LogEntry {
	if s := b.a.mgr.Get(id); s != nil {
		return s.Log()
	}
	return nil
}

func (b *backend) Reconnect(id int) {
	if s := b.a.mgr.Get(id); s != nil {
		s.Reconnect()
	}
}

func (b *backend) Close(id int) {
	b.a.mgr.Remove(id)
	b.a.stopWatching(id)
}

// CloseAll closes every session in parallel (Manager.CloseAll), giving up
// waiting when ctx is done.
func (b *backend) CloseAll(ctx context.Context) error {
	return b.a.closer().wait(ctx)
}

func (b *backend) Attach(id int) tea.Cmd {
	s := b.a.mgr.Get(id)
	if s == nil || b.tty == nil {
		return func() tea.Msg {
			return ui.AttachResult{ID: id, Err: fmt.Errorf("cannot attach session %d: no terminal", id)}
		}
	}
	x := &attachExec{s: s, tty: b.tty, getenv: b.a.e.getenv, guard: b.a.e.guard, alerts: b.a.alertsWhileAttached, opts: attach.Options{Prefix: b.prefix, PrefixSet: true, StatusBar: b.statusOn, Alias: s.Alias()}}
	var c tea.ExecCommand = x
	if b.scr != nil {
		c = b.scr.Exec(x)
	}
	return tea.Exec(c, func(err error) tea.Msg {
		if err != nil {
			return ui.AttachResult{ID: id, Err: err}
		}
		return ui.AttachResult{ID: id, Action: attachAction(x.res.Action), Jump: x.res.N}
	})
}

func attachAction(a attach.Action) ui.AttachAction {
	switch a {
	case attach.Next:
		return ui.AttachNext
	case attach.Prev:
		return ui.AttachPrev
	case attach.Jump:
		return ui.AttachJump
	case attach.Close:
		return ui.AttachClose
	case attach.Ended:
		return ui.AttachEnded
	}
	return ui.AttachDetached
}

func (b *backend) SaveHostSettings(pattern string, hs ui.HostSettings) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	// Only the changed fields are written; the entry's other fields stay
	// as the file has them, and fields it does not set stay unset, so
	// they go on following ssh_config and the defaults.
	h, _ := b.a.settings.Host(pattern)
	h.Match = pattern
	if hs.Changed.Has(ui.FieldMode) {
		h.Mode = hs.Heartbeat.Mode
	}
	if hs.Changed.Has(ui.FieldInterval) {
		h.Interval = hs.Heartbeat.Interval
	}
	if hs.Changed.Has(ui.FieldCount) {
		h.Count = hs.Heartbeat.Count
	}
	if hs.Changed.Has(ui.FieldReattach) {
		h.Reattach = hs.Reattach
	}
	if err := b.a.settings.SetHost(h); err != nil {
		return fmt.Errorf("settings for %s: %w", pattern, err)
	}
	if hs.Changed.Has(ui.FieldTags) {
		if err := b.a.settings.SetHostTags(pattern, hs.Tags); err != nil {
			return fmt.Errorf("tags for %s: %w", pattern, err)
		}
	}
	if err := b.a.settings.Save(b.a.setPath); err != nil {
		return fmt.Errorf("save settings to %s: %w", b.a.setPath, err)
	}
	for _, s := range b.a.mgr.Sessions() {
		if !config.MatchPatternList([]string{pattern}, s.Alias()) {
			continue
		}
		// The session's heartbeat as the settings now resolve for it
		// (the entry, then ssh_config, then the defaults).
		if r, err := b.a.cfg.Resolve(s.Alias(), config.ResolveOptions{}); err == nil {
			s.SetHeartbeat(b.a.opener.HeartbeatFor(s.Alias(), r).Settings)
		}
	}
	b.hosts = hostsOf(b.a)
	return nil
}

// attachExec hands the terminal to a session for tea.Exec: the dashboard's
// screen (ui/screen) has given the terminal back (its own mode, main
// screen) when Run is called and takes it back afterwards.
type attachExec struct {
	s      *session.Session
	tty    *os.File
	getenv func(string) string
	guard  *guardLink // told that the main screen is in use meanwhile
	// alerts routes watcher alerts to the attach until release.
	alerts func(*attach.Options) (release func())
	opts   attach.Options
	res    attach.Result
}

// SetStdin, SetStdout and SetStderr implement tea.ExecCommand; attaching
// uses the terminal file itself, not Bubble Tea's streams.
func (x *attachExec) SetStdin(io.Reader)  {}
func (x *attachExec) SetStdout(io.Writer) {}
func (x *attachExec) SetStderr(io.Writer) {}

// Run attaches the terminal to the session until the user leaves it.
func (x *attachExec) Run() error {
	o := x.opts
	o.In, o.Out = x.tty, x.tty
	if x.alerts != nil {
		defer x.alerts(&o)()
	}
	x.guard.report(guardMain)
	var res attach.Result
	var err error
	if x.s.NoTerminal() {
		// RequestTTY no: as ssh -T, the terminal stays cooked.
		res, err = attach.RunCooked(context.Background(), x.s, o)
	} else {
		res, err = runAttach(context.Background(), x.getenv, x.s, o)
	}
	x.guard.report(guardAlt) // Bubble Tea takes the terminal back
	x.res = res
	return err
}

// openAtStart opens the app's openAtStart hosts in the background, before
// the dashboard's first frame, so that it already lists them. Opening only
// resolves each host and starts its session; connecting goes on in the
// session. A host that cannot be opened is logged and skipped.
func (b *backend) openAtStart() {
	for _, alias := range b.a.openAtStart {
		if f, ok := b.open(alias, true, false)().(ui.OpenFailed); ok {
			b.a.log.Warn("could not open at start", "host", alias, "err", f.Err)
		}
	}
}

// History renders a window of a session's history for the scrolled
// preview: rows lines ending back lines above the last one.
func (b *backend) History(id, back, rows, cols int) ([]string, int) {
	s := b.a.mgr.Get(id)
	if s == nil {
		return nil, 0
	}
	total := s.HistoryLen()
	back = max(0, min(back, total-rows))
	lines, _ := s.History(total-rows-back, rows, cols)
	return lines, back
}

// historySyncTimeout bounds fetching a session's remote history.
const historySyncTimeout = 3 * time.Second

// SyncHistory fetches the remote tmux pane's history into the session's
// emulator (see session.Session.SyncHistory); nothing to fetch is no error.
func (b *backend) SyncHistory(id int) tea.Cmd {
	s := b.a.mgr.Get(id)
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), historySyncTimeout)
		defer cancel()
		err := s.SyncHistory(ctx)
		if session.IsNoTmuxHistory(err) {
			err = nil
		}
		return ui.HistorySynced{ID: id, Err: err}
	}
}
