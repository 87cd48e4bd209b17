// Root model: options, state, construction and the Update dispatch.

package ui

import (
	"io"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// Options configure the dashboard. Only Backend is required.
type Options struct {
	Backend Backend

	// Theme, when its Name is set, is used as given; otherwise the theme
	// called ThemeName ("" means "auto") is built. An adaptive theme (auto,
	// high-contrast) is rebuilt when the terminal reports its background
	// colour.
	Theme     themes.Theme
	ThemeName string
	NoColor   bool // NO_COLOR: no colours, keep bold/reverse

	// KeyMap; the zero value means DefaultKeyMap().
	KeyMap KeyMap
	// Now is the clock for countdowns, uptimes and log times; nil means
	// time.Now. Tests inject a fixed clock.
	Now func() time.Time
	// Looked are the configuration files sshdash read (or looked for), shown
	// when there are no hosts.
	Looked []string
	// Logger receives debug records (never secrets); nil discards.
	Logger *slog.Logger
	// Terminal, when set, is what draws the dashboard in place of Bubble
	// Tea's renderer (ui/screen): bells, notifications and the background
	// colour query are written through it. Nil: Bubble Tea's renderer
	// draws, and tea.Raw and tea.RequestBackgroundColor carry them.
	Terminal Terminal
}

// Terminal writes escape sequences between the dashboard's frames.
type Terminal interface {
	// WriteRaw writes seq at once; it is called from Init and Update.
	WriteRaw(seq string)
}

// pane is a focusable pane of the main screen.
type pane int

const (
	paneHosts pane = iota
	paneSessions
	panePreview // the selected session's preview, scrolled through its history
)

// statusKind is the kind of message in the status line.
type statusKind int

const (
	statusInfo statusKind = iota
	statusOK
	statusError
)

type statusLine struct {
	text string
	kind statusKind
}

// viewCache remembers the last rendered view so that messages that change
// nothing visible (coalesced heartbeats) cost no rendering.
type viewCache struct {
	seq   uint64 // source of revision numbers
	rev   uint64
	valid bool
	view  tea.View
}

// Model is the root model of the dashboard: it routes keys to the active
// screen, sends sizes and session events to all, and acts on the messages
// screens send up. Create it with New.
type Model struct {
	sh      *shared
	backend Backend
	events  <-chan session.Event
	noColor bool
	themeBG bool     // the terminal background is known to be dark
	term    Terminal // draws the dashboard when set (Options.Terminal)

	w, h  int
	focus pane

	hosts    hostsModel
	sessions sessionsModel
	preview  previewModel
	logv     logModel
	settings settingsModel
	prompts  promptModel
	confirm  confirmModel
	helpv    helpModel
	det      detachedUI // sessions left running on the servers (R)
	watch    watchState // watcher alerts and the watch form (watch.go)
	bc       broadcastModel

	logOpen      bool
	settingsOpen bool
	confirmOpen  bool
	helpOpen     bool
	errorsOpen   bool

	configErrors []string
	status       statusLine
	snapshot     []session.Status

	pendingAttach    int // session to attach when it is up
	hasPendingAttach bool
	quitting         bool
	leftRunning      bool // quit leaving the sessions' remote shells running (see LeftRunning)

	spinFrame int
	spinning  bool
	ticking   bool // the 1 s tick is scheduled
	// initTimers are the timers for sessions open before the first
	// frame, scheduled by Init; New sets ticking and spinning for them
	// (Init's receiver is a copy, so it could not).
	initTimers     []tea.Cmd
	flushScheduled bool
	needRefresh    bool
	// deferRefresh is set while a batch of events is applied: snapshots
	// asked for meanwhile are taken once at its end (refreshDeferred).
	deferRefresh, refreshDeferred bool
	// statesDirty: a state change that can wait (see canWait) arrived
	// since the last snapshot; the next flush takes one.
	statesDirty  bool
	previewDirty bool
	stream       previewStream // output of the session in the preview (previewstream.go)

	rev   uint64
	cache *viewCache
}

// New builds the dashboard's root model; tea.NewProgram takes its address
// (*Model implements tea.Model).
func New(opts Options) Model {
	if opts.Backend == nil {
		opts.Backend = nullBackend{}
	}
	keys := DefaultKeyMap()
	if len(opts.KeyMap.Quit.Keys()) > 0 {
		keys = opts.KeyMap
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	th := opts.Theme
	if th.Name == "" {
		var err error
		th, err = themes.New(opts.ThemeName, true, opts.NoColor)
		if err != nil {
			logger.Warn("unknown theme, using auto", "err", err)
			th = themes.MustNew("auto", true, opts.NoColor)
		}
	}
	sh := &shared{keys: keys, now: now, log: logger, after: tea.Tick}
	sh.setTheme(th)

	m := Model{
		sh:      sh,
		backend: opts.Backend,
		events:  opts.Backend.Events(),
		noColor: opts.NoColor || th.NoColor,
		themeBG: th.Dark,
		term:    opts.Terminal,
		cache:   &viewCache{},
	}
	m.configErrors = opts.Backend.ConfigErrors()
	m.hosts = newHostsModel(sh, opts.Backend.Hosts(), opts.Looked)
	m.sessions = newSessionsModel(sh)
	m.preview = newPreviewModel(sh)
	m.logv = newLogModel(sh)
	m.prompts = newPromptModel(sh)
	m.helpv = newHelpModel(sh)
	m.det = newDetachedUI(opts.Backend)
	m.watch = newWatchState(opts.Backend)
	m.sessions.marks = m.watch.marks
	m.bc = newBroadcastModel(sh)
	m.snapshot = opts.Backend.Sessions()
	m.sessions.setRows(m.snapshot)
	m.hosts.setLive(m.snapshot)
	m.hosts.focused = true
	m.initTimers = m.ensureTimers()
	return m
}

// Init asks the terminal for its background colour (for adaptive themes;
// the reply is a tea.BackgroundColorMsg) and starts listening for session
// events.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.waitEvent(), m.waitDetachedNews(), m.waitAlert()}
	if m.term != nil {
		m.term.WriteRaw(ansi.RequestBackgroundColor)
	} else {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	cmds = append(cmds, m.initTimers...)
	return tea.Batch(cmds...)
}

// Message types internal to the root model.
type (
	eventsClosedMsg struct{}
	flushMsg        struct{}
	secondTickMsg   struct{}
	spinTickMsg     struct{}
	statusMsg       statusLine
	closedMsg       struct{ id int }
	allClosedMsg    struct{ err error } // CloseAll returned (err: what it could not close in time)
	quitMsg         struct{}            // confirmed: close everything and quit
	quitLeaveMsg    struct{}            // quit, leaving the remote shells running to resume later
	settingsSaved   struct {
		pattern string
		hs      HostSettings
		err     error
	}
)

// Update implements tea.Model. The program holds a *Model: the model is
// tens of kilobytes (the text inputs of its forms), and returned as a
// value every message boxed a copy on the heap, 12 MB/s of garbage with a
// thousand sessions sending heartbeats (a quarter of the dashboard's idle
// CPU went to collecting it).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd, changed := m.update(msg)
	if changed {
		nm.cache.seq++
		nm.rev = nm.cache.seq
	}
	*m = nm
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.resize()
		return m, nil, true

	case tea.BackgroundColorMsg:
		dark := msg.IsDark()
		if m.sh.theme.Adaptive && dark != m.sh.theme.Dark {
			if t, err := themes.New(m.sh.theme.Name, dark, m.noColor); err == nil {
				m.applyTheme(t)
			}
		}
		m.themeBG = dark
		return m, nil, true

	case eventsMsg:
		if m.quitting { // every session is closing: drain, draw nothing
			if msg.closed {
				m.events = nil
			}
			return m, m.waitEvent(), false
		}
		cmd, changed := m.handleEvents(msg.evs)
		if msg.closed {
			m.events = nil
		}
		return m, tea.Batch(cmd, m.waitEvent()), changed
	case session.Event:
		cmd, changed := m.handleEvent(msg)
		return m, cmd, changed
	case eventsClosedMsg:
		m.events = nil
		return m, nil, false

	case flushMsg:
		m.flushScheduled = false
		switch {
		case m.statesDirty:
			m.refreshSessions() // the preview too
			return m, tea.Batch(m.ensureTimers()...), true
		case m.previewDirty:
			if !m.flushPreview() {
				return m, nil, false
			}
		default:
			return m, nil, false
		}
		return m, nil, true

	case secondTickMsg:
		m.ticking = false
		m.streamTick()
		if m.needRefresh {
			m.refreshSessions()
		}
		return m, tea.Batch(m.ensureTimers()...), true

	case spinTickMsg:
		if !m.anyInProgress() {
			m.spinning = false
			return m, nil, false
		}
		m.spinFrame++
		m.sessions.spin = spinnerFrame(m.spinFrame)
		return m, m.sh.after(spinInterval, func(time.Time) tea.Msg { return spinTickMsg{} }), true

	case statusMsg:
		m.status = statusLine(msg)
		return m, nil, true

	case tea.KeyPressMsg:
		if m.quitting {
			return m, m.whileQuitting(msg.String() == "ctrl+c"), false
		}
		cmd := m.handleKey(msg)
		return m, cmd, true
	case tea.PasteMsg:
		if m.quitting {
			return m, nil, false
		}
		if m.activeModal() != "prompt" {
			m.cancelPendingAttach()
		}
		return m, m.handlePaste(msg), true

	case tea.MouseClickMsg:
		if m.quitting {
			return m, nil, false
		}
		m.cancelPendingAttach()
		return m, m.handleClick(msg.Mouse()), true
	case tea.MouseWheelMsg:
		if m.quitting {
			return m, nil, false
		}
		m.cancelPendingAttach()
		return m, m.handleWheel(msg.Mouse()), true

	case tea.InterruptMsg:
		if m.quitting {
			return m, m.whileQuitting(true), false
		}
		return m, m.requestQuit(), true
	}

	if cmd, ok := m.broadcastAction(msg); ok {
		return m, cmd, true
	}
	cmd := m.handleAction(msg)
	return m, cmd, true
}

// resize lays the screens out for the current size and focus.
func (m *Model) resize() {
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	m.hosts.setSize(g.hosts.w, g.hosts.h)
	m.sessions.setSize(g.sessions.w, g.sessions.h)
	m.preview.rect = g.preview
	m.logv.setSize(g.body.w, g.body.h)
	m.settings.setSize(m.w, m.h)
	m.prompts.setWidth(m.w)
	m.refreshPreview()
}

func (m *Model) setFocus(p pane) {
	m.focus = p
	m.hosts.focused = p == paneHosts
	m.sessions.focused = p == paneSessions
	m.preview.focused = p == panePreview
	if p != panePreview {
		m.preview.scroll = 0 // back to the live screen
	}
	m.resize()
}

// LeftRunning reports whether the user quit leaving the open sessions'
// remote shells running (to resume later with connect --resume): the
// caller then exits without closing them.
func (m Model) LeftRunning() bool { return m.leftRunning }
