package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

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
}

// pane is a focusable pane of the main screen.
type pane int

const (
	paneHosts pane = iota
	paneSessions
)

// shared holds what every screen model reads: styles, keys, the clock and
// the logger. The root model owns it and replaces the styles when the
// theme changes.
type shared struct {
	theme        themes.Theme
	st           themes.Styles
	keys         KeyMap
	now          func() time.Time
	log          *slog.Logger
	frame        frame // pane border without focus
	frameFocused frame
	help         help.Model
	// after schedules a timer message (tea.Tick; tests replace it so
	// that no timer ever fires by itself).
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

func (sh *shared) setTheme(t themes.Theme) {
	sh.theme = t
	sh.st = t.Styles
	sh.frame = newFrame(t.Styles.Border, t.Styles.Muted)
	sh.frameFocused = newFrame(t.Styles.BorderFocused, t.Styles.PaneTitle)
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       t.Styles.HintSep,
		ShortKey:       t.Styles.HintKey,
		ShortDesc:      t.Styles.HintDesc,
		ShortSeparator: t.Styles.HintSep,
		FullKey:        t.Styles.HintKey,
		FullDesc:       t.Styles.HintDesc,
		FullSeparator:  t.Styles.HintSep,
	}
	h.FullSeparator = "    "
	sh.help = h
}

// inputStyles are text input styles built from the theme; the cursor does
// not blink (no timer messages, stable views).
func inputStyles(st *themes.Styles) textinput.Styles {
	s := textinput.Styles{}
	s.Focused = textinput.StyleState{Text: st.Input, Placeholder: st.Placeholder, Prompt: st.HintKey, Suggestion: st.Placeholder}
	s.Blurred = textinput.StyleState{Text: st.Muted, Placeholder: st.Placeholder, Prompt: st.Muted, Suggestion: st.Placeholder}
	s.Cursor = textinput.CursorStyle{Color: st.Cursor.GetForeground(), Blink: false}
	return s
}

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
	themeBG bool // the terminal background is known to be dark

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

	spinFrame      int
	spinning       bool
	ticking        bool // the 1 s tick is scheduled
	flushScheduled bool
	needRefresh    bool
	previewDirty   bool

	rev   uint64
	cache *viewCache
}

// New builds the dashboard's root model, ready for tea.NewProgram.
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
		cache:   &viewCache{},
	}
	m.configErrors = opts.Backend.ConfigErrors()
	m.hosts = newHostsModel(sh, opts.Backend.Hosts(), opts.Looked)
	m.sessions = newSessionsModel(sh)
	m.preview = newPreviewModel(sh)
	m.logv = newLogModel(sh)
	m.prompts = newPromptModel(sh)
	m.helpv = newHelpModel(sh)
	m.snapshot = opts.Backend.Sessions()
	m.sessions.setRows(m.snapshot)
	m.hosts.setLive(m.snapshot)
	m.hosts.focused = true
	return m
}

// Run runs the dashboard until the user quits or ctx ends. cmd/sshdash may
// instead create its own tea.Program around New(opts).
func Run(ctx context.Context, opts Options) error {
	p := tea.NewProgram(New(opts), tea.WithContext(ctx))
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// Init asks the terminal for its background colour (for adaptive themes)
// and starts listening for session events.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.waitEvent()}
	cmds = append(cmds, m.ensureTimers()...)
	return tea.Batch(cmds...)
}

// Message types internal to the root model.
type (
	eventMsg        struct{ ev session.Event }
	eventsClosedMsg struct{}
	flushMsg        struct{}
	secondTickMsg   struct{}
	spinTickMsg     struct{}
	statusMsg       statusLine
	closedMsg       struct{ id int }
	allClosedMsg    struct{}
	quitMsg         struct{} // confirmed: close everything and quit
	settingsSaved   struct {
		pattern string
		hs      HostSettings
		err     error
	}
)

// spinInterval is the spinner's frame time.
const spinInterval = 100 * time.Millisecond

// spinnerFrame is frame n of the spinner shown by sessions in progress.
func spinnerFrame(n int) string {
	const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" // ten frames of three bytes
	i := (n % 10) * 3
	return frames[i : i+3]
}

// flushInterval is how often coalesced heartbeat and output events are
// applied: at most four redraws a second, however many sessions beat.
const flushInterval = 250 * time.Millisecond

func (m Model) waitEvent() tea.Cmd {
	ch := m.events
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsClosedMsg{}
		}
		return eventMsg{ev}
	}
}

// Update implements tea.Model.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd, changed := m.update(msg)
	if changed {
		nm.cache.seq++
		nm.rev = nm.cache.seq
	}
	return nm, cmd
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

	case eventMsg:
		cmd, changed := m.handleEvent(msg.ev)
		return m, tea.Batch(cmd, m.waitEvent()), changed
	case session.Event:
		cmd, changed := m.handleEvent(msg)
		return m, cmd, changed
	case eventsClosedMsg:
		m.events = nil
		return m, nil, false

	case flushMsg:
		m.flushScheduled = false
		if m.needRefresh {
			m.refreshSessions()
		}
		if m.previewDirty {
			m.refreshPreview()
		}
		return m, tea.Batch(m.ensureTimers()...), true

	case secondTickMsg:
		m.ticking = false
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
		cmd := m.handleKey(msg)
		return m, cmd, true
	case tea.PasteMsg:
		return m, m.handlePaste(msg), true

	case tea.MouseClickMsg:
		return m, m.handleClick(msg.Mouse()), true
	case tea.MouseWheelMsg:
		return m, m.handleWheel(msg.Mouse()), true

	case tea.InterruptMsg:
		return m, m.requestQuit(), true
	}

	cmd := m.handleAction(msg)
	return m, cmd, true
}

// handleAction acts on the messages screens and the backend send.
func (m *Model) handleAction(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	// From the hosts pane.
	case connectMsg:
		if id, ok := m.liveSessionFor(msg.alias); ok {
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{"connecting to " + msg.alias + "…", statusInfo}
		return m.backend.Open(msg.alias, false)
	case openHostsMsg:
		cmds := make([]tea.Cmd, 0, len(msg.aliases))
		for _, a := range msg.aliases {
			cmds = append(cmds, m.backend.Open(a, true))
		}
		if len(msg.aliases) == 1 {
			m.status = statusLine{"opening " + msg.aliases[0] + " in the background…", statusInfo}
		} else {
			m.status = statusLine{fmt.Sprintf("opening %d hosts in the background…", len(msg.aliases)), statusInfo}
		}
		return tea.Batch(cmds...)
	case editHostMsg:
		return m.openSettings(msg.alias)

	// From the backend.
	case SessionOpened:
		m.refreshSessions()
		if msg.Background {
			m.status = statusLine{fmt.Sprintf("opened %s in the background (#%d)", msg.Alias, m.sessionNumber(msg.ID)), statusInfo}
			return tea.Batch(m.ensureTimers()...)
		}
		m.selectSession(msg.ID)
		m.setFocus(paneSessions)
		m.pendingAttach, m.hasPendingAttach = msg.ID, true
		m.status = statusLine{fmt.Sprintf("connecting to %s; will attach when it is up (%s: stay here)", msg.Alias, helpKey(m.sh.keys.Back)), statusInfo}
		return tea.Batch(append(m.ensureTimers(), m.maybeAttachPending())...)
	case OpenFailed:
		m.status = statusLine{fmt.Sprintf("could not open %s: %v", msg.Alias, msg.Err), statusError}
		return nil
	case AttachResult:
		return m.handleAttachResult(msg)

	// From the sessions pane.
	case attachMsg:
		return m.attach(msg.id)
	case reconnectMsg:
		b, id := m.backend, msg.id
		m.status = statusLine{fmt.Sprintf("reconnecting %s now…", m.aliasOf(id)), statusInfo}
		return func() tea.Msg { b.Reconnect(id); return nil }
	case closeRequestMsg:
		s, ok := m.sessionByID(msg.id)
		if !ok {
			return nil
		}
		if s.State.Terminal() {
			return m.closeSession(msg.id)
		}
		m.openConfirm(fmt.Sprintf("Close session #%d %s?", m.sessionNumber(msg.id), s.Alias),
			"The remote shell and its programs are ended.", closeMsg{msg.id})
		return nil
	case closeMsg:
		return m.closeSession(msg.id)
	case closedMsg:
		m.refreshSessions()
		m.status = statusLine{fmt.Sprintf("closed %s", m.aliasOf(msg.id)), statusOK}
		return nil
	case showLogMsg:
		s, ok := m.sessionByID(msg.id)
		if !ok {
			return nil
		}
		m.logv.open(s.ID, s.Alias, m.backend.Log(s.ID))
		m.logOpen = true
		m.resize()
		return nil

	// From the settings form.
	case settingsSaveMsg:
		b := m.backend
		return func() tea.Msg {
			err := b.SaveHostSettings(msg.pattern, msg.hs)
			return settingsSaved{pattern: msg.pattern, hs: msg.hs, err: err}
		}
	case settingsSaved:
		if msg.err != nil {
			m.settings.saveFailed(msg.err)
			return nil
		}
		m.settingsOpen = false
		m.hosts.setHosts(m.backend.Hosts())
		m.status = statusLine{fmt.Sprintf("saved for %s: heartbeat %s, reattach %s", msg.pattern, msg.hs.Heartbeat, msg.hs.Reattach), statusOK}
		return nil
	case settingsCancelMsg:
		m.settingsOpen = false
		return nil

	// From prompts and dialogs.
	case promptDoneMsg:
		if msg.cancelled {
			m.status = statusLine{fmt.Sprintf("%s: prompt cancelled", m.aliasOf(msg.id)), statusInfo}
		}
		return m.maybeAttachPending()
	case confirmDoneMsg:
		m.confirmOpen = false
		if msg.yes && msg.then != nil {
			return emit(msg.then)
		}
		return nil
	case quitMsg:
		return m.closeAllAndQuit()
	case allClosedMsg:
		return tea.Quit
	}
	return nil
}

// handleEvent applies a session event. Heartbeats and output are coalesced:
// they only mark the snapshot stale and schedule one flush.
func (m *Model) handleEvent(ev session.Event) (tea.Cmd, bool) {
	switch ev := ev.(type) {
	case session.HeartbeatUpdate:
		m.needRefresh = true
		return m.scheduleFlush(), false
	case session.OutputArrived:
		m.needRefresh = true
		if id, ok := m.sessions.selectedID(); ok && id == ev.ID && !m.preview.rect.empty() {
			m.previewDirty = true
		}
		return m.scheduleFlush(), false
	case session.StateChanged:
		m.sh.log.Debug("session state", "session", ev.ID, "from", ev.From.String(), "to", ev.To.String())
		m.refreshSessions()
		var cmds []tea.Cmd
		if ev.To.Terminal() {
			m.prompts.dropSession(ev.ID)
		}
		if m.hasPendingAttach && m.pendingAttach == ev.ID && ev.To.Terminal() {
			m.hasPendingAttach = false
		}
		if ev.To == session.Failed {
			cause := "unknown cause"
			if ev.Cause != nil {
				cause = oneLine(ev.Cause.Error())
			}
			m.status = statusLine{fmt.Sprintf("%s failed: %s", m.aliasOf(ev.ID), cause), statusError}
		}
		cmds = append(cmds, m.ensureTimers()...)
		cmds = append(cmds, m.maybeAttachPending())
		return tea.Batch(cmds...), true
	case session.PromptRequested:
		if ev.Prompt == nil {
			return nil, false
		}
		m.sh.log.Debug("prompt queued", "session", ev.ID, "kind", int(ev.Prompt.Kind)) // never the answers
		return m.prompts.push(ev.ID, m.aliasOf(ev.ID), ev.Prompt), true
	case session.Logged:
		if m.logOpen && m.logv.id == ev.ID {
			m.logv.add(ev.Entry)
		}
		m.status = statusLine{fmt.Sprintf("%s: %s", m.aliasOf(ev.ID), ev.Entry.Text), statusInfo}
		return nil, true
	}
	return nil, false
}

func (m *Model) scheduleFlush() tea.Cmd {
	if m.flushScheduled {
		return nil
	}
	m.flushScheduled = true
	return m.sh.after(flushInterval, func(time.Time) tea.Msg { return flushMsg{} })
}

// ensureTimers starts the 1 s tick while a session is live (uptimes,
// countdowns, last contact) and the spinner while one is connecting.
func (m *Model) ensureTimers() []tea.Cmd {
	var cmds []tea.Cmd
	live, busy := false, false
	for _, s := range m.snapshot {
		if !s.State.Terminal() {
			live = true
		}
		if inProgress(s.State) {
			busy = true
		}
	}
	if live && !m.ticking {
		m.ticking = true
		cmds = append(cmds, m.sh.after(time.Second, func(time.Time) tea.Msg { return secondTickMsg{} }))
	}
	if busy && !m.spinning {
		m.spinning = true
		cmds = append(cmds, m.sh.after(spinInterval, func(time.Time) tea.Msg { return spinTickMsg{} }))
	}
	return cmds
}

func (m Model) anyInProgress() bool {
	for _, s := range m.snapshot {
		if inProgress(s.State) {
			return true
		}
	}
	return false
}

// refreshSessions takes a new snapshot from the backend and hands it to
// every screen that shows sessions.
func (m *Model) refreshSessions() {
	m.needRefresh = false
	n := len(m.snapshot)
	m.snapshot = m.backend.Sessions()
	m.sessions.setRows(m.snapshot)
	m.hosts.setLive(m.snapshot)
	if len(m.snapshot) != n {
		m.resize() // the table's height follows the number of sessions
	}
	m.refreshPreview()
}

// refreshPreview shows the selected session in the preview; its screen is
// read again only when the selection changed or output arrived for it.
func (m *Model) refreshPreview() {
	s, ok := m.sessions.selected()
	if !ok {
		m.preview.clear()
		m.previewDirty = false
		return
	}
	if m.previewDirty || !m.preview.has || m.preview.s.ID != s.ID || m.preview.sized != m.preview.rect {
		var lines []string
		if !m.preview.rect.empty() {
			lines = m.backend.Screen(s.ID, max(m.preview.rect.w-2, 1), max(m.preview.rect.h-3, 1))
		}
		m.preview.lines = lines
		m.preview.sized = m.preview.rect
	}
	m.previewDirty = false
	m.preview.set(s, m.sessionNumber(s.ID))
}

func (m *Model) applyTheme(t themes.Theme) {
	m.sh.setTheme(t)
	m.hosts.applyTheme()
	m.settings.applyTheme()
	m.prompts.applyTheme()
}

// resize lays the screens out for the current size and focus.
func (m *Model) resize() {
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	m.hosts.setSize(g.hosts.w, g.hosts.h)
	m.sessions.setSize(g.sessions.w, g.sessions.h)
	m.preview.rect = g.preview
	m.logv.setSize(g.body.w, g.body.h)
	m.settings.setWidth(m.w)
	m.prompts.setWidth(m.w)
	m.refreshPreview()
}

func (m *Model) setFocus(p pane) {
	m.focus = p
	m.hosts.focused = p == paneHosts
	m.sessions.focused = p == paneSessions
	m.resize()
}

func (m Model) sessionByID(id int) (session.Status, bool) {
	for _, s := range m.snapshot {
		if s.ID == id {
			return s, true
		}
	}
	return session.Status{}, false
}

// sessionNumber is the 1-based position of a session in the table (the
// number the attach prefix's 1–9 jump uses); 0 if unknown.
func (m Model) sessionNumber(id int) int {
	for i, s := range m.snapshot {
		if s.ID == id {
			return i + 1
		}
	}
	return 0
}

func (m Model) aliasOf(id int) string {
	if s, ok := m.sessionByID(id); ok {
		return s.Alias
	}
	return fmt.Sprintf("session %d", id)
}

// liveSessionFor finds the newest session to alias that has not ended.
func (m Model) liveSessionFor(alias string) (int, bool) {
	for i := len(m.snapshot) - 1; i >= 0; i-- {
		s := m.snapshot[i]
		if s.Alias == alias && !s.State.Terminal() {
			return s.ID, true
		}
	}
	return 0, false
}

func (m *Model) selectSession(id int) {
	m.sessions.selectID(id)
	m.refreshPreview()
}

// attachable reports whether the terminal can be handed to a session in
// state s now. Dropped and reconnecting sessions can be attached: the attach
// bar says the link is down and keys are not queued.
func attachable(s session.State) bool {
	switch s {
	case session.Up, session.Stale, session.Dropped, session.Reconnecting:
		return true
	}
	return false
}

// attach hands the terminal to session id, or, while it is still
// connecting or waiting for an answer, attaches as soon as it is up.
func (m *Model) attach(id int) tea.Cmd {
	s, ok := m.sessionByID(id)
	if !ok {
		return nil
	}
	switch {
	case attachable(s.State):
		m.hasPendingAttach = false
		m.status = statusLine{fmt.Sprintf("attached to %s", s.Alias), statusInfo}
		return m.backend.Attach(id)
	case s.State.Terminal():
		m.status = statusLine{fmt.Sprintf("%s is %s; press %s to connect again", s.Alias, s.State, helpKey(m.sh.keys.Reconnect)), statusError}
		return nil
	default:
		m.pendingAttach, m.hasPendingAttach = id, true
		m.status = statusLine{fmt.Sprintf("will attach to %s when it is up (%s: don't)", s.Alias, helpKey(m.sh.keys.Back)), statusInfo}
		return nil
	}
}

// maybeAttachPending attaches the session the user asked for once it is up
// and no prompt is waiting.
func (m *Model) maybeAttachPending() tea.Cmd {
	if !m.hasPendingAttach || m.prompts.active() || m.quitting {
		return nil
	}
	s, ok := m.sessionByID(m.pendingAttach)
	if !ok {
		return nil
	}
	if s.State == session.Up || s.State == session.Stale {
		return m.attach(s.ID)
	}
	return nil
}

func (m *Model) handleAttachResult(r AttachResult) tea.Cmd {
	m.sh.log.Debug("attach ended", "session", r.ID, "action", r.Action.String(), "jump", r.Jump, "err", r.Err)
	m.refreshSessions()
	alias := m.aliasOf(r.ID)
	if r.Err != nil {
		m.status = statusLine{fmt.Sprintf("could not attach to %s: %v", alias, r.Err), statusError}
		return nil
	}
	m.selectSession(r.ID)
	switch r.Action {
	case AttachDetached:
		m.status = statusLine{"detached from " + alias, statusInfo}
	case AttachNext, AttachPrev:
		d := 1
		if r.Action == AttachPrev {
			d = -1
		}
		if id, ok := m.neighbour(r.ID, d); ok {
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{"no other session to attach", statusInfo}
	case AttachJump:
		if r.Jump >= 1 && r.Jump <= len(m.snapshot) {
			id := m.snapshot[r.Jump-1].ID
			m.selectSession(id)
			return m.attach(id)
		}
		m.status = statusLine{fmt.Sprintf("there is no session %d", r.Jump), statusError}
	case AttachClose:
		return m.closeSession(r.ID)
	case AttachEnded:
		s, _ := m.sessionByID(r.ID)
		msg := alias + " ended"
		if s.State == session.Closed {
			msg = fmt.Sprintf("%s: the remote shell exited (status %d)", alias, s.ExitStatus)
		} else if s.Cause != nil {
			msg = fmt.Sprintf("%s %s: %s", alias, s.State, oneLine(s.Cause.Error()))
		}
		m.status = statusLine{msg, statusInfo}
	}
	return nil
}

// neighbour is the next (d=1) or previous (d=-1) attachable session after
// id in table order, wrapping around.
func (m Model) neighbour(id, d int) (int, bool) {
	n := len(m.snapshot)
	start := m.sessionNumber(id) - 1
	if start < 0 {
		return 0, false
	}
	for i := 1; i < n; i++ {
		s := m.snapshot[((start+d*i)%n+n)%n]
		if attachable(s.State) {
			return s.ID, true
		}
	}
	return 0, false
}

func (m *Model) closeSession(id int) tea.Cmd {
	b := m.backend
	m.status = statusLine{fmt.Sprintf("closing %s…", m.aliasOf(id)), statusInfo}
	if m.hasPendingAttach && m.pendingAttach == id {
		m.hasPendingAttach = false
	}
	return func() tea.Msg {
		b.Close(id)
		return closedMsg{id}
	}
}

func (m *Model) openSettings(alias string) tea.Cmd {
	var host Host
	found := false
	for _, h := range m.hosts.hosts {
		if h.Alias == alias {
			host, found = h, true
			break
		}
	}
	if !found {
		host = Host{Alias: alias}
	}
	m.settings = newSettingsModel(m.sh, host)
	m.settings.setWidth(m.w)
	m.settingsOpen = true
	return m.settings.Init()
}

func (m *Model) openConfirm(question, detail string, then tea.Msg) {
	m.confirm = newConfirmModel(m.sh, question, detail, then)
	m.confirmOpen = true
}

// openSessions counts sessions that have not ended.
func (m Model) openSessions() int {
	n := 0
	for _, s := range m.snapshot {
		if !s.State.Terminal() {
			n++
		}
	}
	return n
}

// requestQuit quits at once when no session is open, and asks first
// otherwise.
func (m *Model) requestQuit() tea.Cmd {
	if m.quitting {
		return nil
	}
	n := m.openSessions()
	if n == 0 {
		return m.closeAllAndQuit()
	}
	q := "Close 1 open session and quit?"
	if n > 1 {
		q = fmt.Sprintf("Close %d open sessions and quit?", n)
	}
	m.openConfirm(q, "Their remote shells are ended.", quitMsg{})
	return nil
}

// closeAllAndQuit closes every session that has not ended, then quits.
func (m *Model) closeAllAndQuit() tea.Cmd {
	m.quitting = true
	m.hasPendingAttach = false
	var ids []int
	for _, s := range m.snapshot {
		if !s.State.Terminal() {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return tea.Quit
	}
	m.status = statusLine{fmt.Sprintf("closing %d session(s)…", len(ids)), statusInfo}
	b := m.backend
	return func() tea.Msg {
		for _, id := range ids {
			b.Close(id)
		}
		return allClosedMsg{}
	}
}

// helpKey is the first key of a binding as shown in help, e.g. "!".
func helpKey(b key.Binding) string {
	if h := b.Help().Key; h != "" {
		return h
	}
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return "?"
}

// activeModal names the dialog that has the keyboard, if any.
func (m Model) activeModal() string {
	switch {
	case m.confirmOpen:
		return "confirm"
	case m.settingsOpen:
		return "settings"
	case m.prompts.active():
		return "prompt"
	case m.helpOpen:
		return "help"
	case m.errorsOpen:
		return "errors"
	}
	return ""
}

func (m *Model) handleKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	if kp.String() == "ctrl+c" && !m.confirmOpen {
		return m.requestQuit()
	}
	switch m.activeModal() {
	case "confirm":
		var cmd tea.Cmd
		m.confirm, cmd = m.confirm.Update(kp)
		return cmd
	case "settings":
		var cmd tea.Cmd
		m.settings, cmd = m.settings.Update(kp)
		return cmd
	case "prompt":
		var cmd tea.Cmd
		m.prompts, cmd = m.prompts.Update(kp)
		return cmd
	case "help":
		if key.Matches(kp, k.Help, k.Back, k.Quit) {
			m.helpOpen = false
		}
		return nil
	case "errors":
		if key.Matches(kp, k.Errors, k.Back, k.Quit) {
			m.errorsOpen = false
		}
		return nil
	}
	if m.logOpen {
		if key.Matches(kp, k.Back, k.Log, k.Quit) {
			m.logOpen = false
			return nil
		}
		if key.Matches(kp, k.Help) {
			m.helpOpen = true
			return nil
		}
		var cmd tea.Cmd
		m.logv, cmd = m.logv.Update(kp)
		return cmd
	}
	if m.focus == paneHosts && m.hosts.capturing() {
		var cmd tea.Cmd
		m.hosts, cmd = m.hosts.Update(kp)
		return cmd
	}
	switch {
	case key.Matches(kp, k.Quit):
		return m.requestQuit()
	case key.Matches(kp, k.Help):
		m.helpOpen = true
		return nil
	case key.Matches(kp, k.Errors):
		m.errorsOpen = len(m.configErrors) > 0
		if !m.errorsOpen {
			m.status = statusLine{"no problems in the SSH configuration", statusOK}
		}
		return nil
	case key.Matches(kp, k.NextPane, k.PrevPane):
		if m.focus == paneHosts {
			m.setFocus(paneSessions)
		} else {
			m.setFocus(paneHosts)
		}
		return nil
	case key.Matches(kp, k.Back) && m.hasPendingAttach && !(m.focus == paneHosts && m.hosts.query() != ""):
		m.hasPendingAttach = false
		m.status = statusLine{fmt.Sprintf("won't attach to %s; it stays open in the background", m.aliasOf(m.pendingAttach)), statusInfo}
		return nil
	}
	var cmd tea.Cmd
	if m.focus == paneHosts {
		m.hosts, cmd = m.hosts.Update(kp)
	} else {
		before, _ := m.sessions.selectedID()
		m.sessions, cmd = m.sessions.Update(kp)
		if after, _ := m.sessions.selectedID(); after != before {
			m.refreshPreview()
		}
	}
	return cmd
}

// handlePaste gives pasted text (bracketed paste) to the text input that
// has the keyboard: a prompt's answer, a settings field or the filter.
func (m *Model) handlePaste(msg tea.PasteMsg) tea.Cmd {
	var cmd tea.Cmd
	switch m.activeModal() {
	case "settings":
		m.settings, cmd = m.settings.Update(msg)
	case "prompt":
		m.prompts, cmd = m.prompts.Update(msg)
	case "":
		if m.focus == paneHosts && m.hosts.filtering {
			m.hosts, cmd = m.hosts.Update(msg)
			m.hosts.cursor = 0
			m.hosts.refilter()
		}
	}
	return cmd
}

func (m *Model) handleClick(ms tea.Mouse) tea.Cmd {
	if ms.Button != tea.MouseLeft || m.activeModal() != "" || m.logOpen {
		return nil
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	if g.tabs.contains(ms.X, ms.Y) {
		hostsEnd, sessEnd := m.tabRanges()
		switch {
		case ms.X < hostsEnd:
			m.setFocus(paneHosts)
		case ms.X < sessEnd:
			m.setFocus(paneSessions)
		}
		return nil
	}
	switch {
	case g.hosts.contains(ms.X, ms.Y):
		if m.focus != paneHosts {
			m.setFocus(paneHosts)
		}
		m.hosts.click(ms.Y - g.hosts.y)
	case g.sessions.contains(ms.X, ms.Y):
		if m.focus != paneSessions {
			m.setFocus(paneSessions)
		}
		if m.sessions.click(ms.Y - g.sessions.y) {
			m.refreshPreview()
		}
	}
	return nil
}

func (m *Model) handleWheel(ms tea.Mouse) tea.Cmd {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -1
	case tea.MouseWheelDown:
		d = 1
	default:
		return nil
	}
	if m.logOpen {
		if d < 0 {
			m.logv.vp.ScrollUp(3)
		} else {
			m.logv.vp.ScrollDown(3)
		}
		return nil
	}
	if m.activeModal() != "" {
		return nil
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	switch {
	case g.hosts.contains(ms.X, ms.Y):
		m.hosts.move(d)
	case g.sessions.contains(ms.X, ms.Y):
		m.sessions.move(d)
		m.refreshPreview()
	}
	return nil
}

// View implements tea.Model. It renders only when something changed since
// the last call.
func (m Model) View() tea.View {
	if m.cache.valid && m.cache.rev == m.rev {
		return m.cache.view
	}
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "sshdash"
	m.cache.valid, m.cache.rev, m.cache.view = true, m.rev, v
	return v
}

// render draws the whole screen as exactly h lines of w cells.
func (m Model) render() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.w < 20 || m.h < 6 {
		return fit("sshdash: terminal too small", m.w)
	}
	g := layout(m.w, m.h, m.focus, len(m.snapshot))
	lines := make([]string, 0, m.h)
	lines = append(lines, m.tabBar())
	var body []string
	switch {
	case m.logOpen:
		body = m.logv.View()
	default:
		var right []string
		if !g.sessions.empty() {
			right = append(right, m.sessions.View()...)
		}
		if !g.preview.empty() {
			right = append(right, m.preview.View()...)
		}
		switch {
		case g.wide:
			body = joinColumns(m.hosts.View(), right)
		case m.focus == paneHosts:
			body = m.hosts.View()
		default:
			body = right
		}
	}
	for len(body) < g.body.h {
		body = append(body, fit("", m.w))
	}
	lines = append(lines, body[:g.body.h]...)
	lines = append(lines, m.statusBar(), m.hintBar())

	var modal []string
	switch m.activeModal() {
	case "confirm":
		modal = m.confirm.View()
	case "settings":
		modal = m.settings.View()
	case "prompt":
		modal = m.prompts.View()
	case "help":
		modal = m.helpv.View(m.w, m.h)
	case "errors":
		modal = m.errorsView()
	}
	if modal != nil {
		return overlay(lines, modal, m.w, m.h)
	}
	return strings.Join(lines, "\n")
}

// tabRanges are the end columns of the Hosts and Sessions tabs.
func (m Model) tabRanges() (hostsEnd, sessionsEnd int) {
	h, s := m.tabLabels()
	start := len("sshdash") + 2
	hostsEnd = start + len([]rune(h)) + 2
	sessionsEnd = hostsEnd + len([]rune(s)) + 2
	return
}

func (m Model) tabLabels() (string, string) {
	return fmt.Sprintf("Hosts %d", len(m.hosts.hosts)), fmt.Sprintf("Sessions %d", len(m.snapshot))
}

// tabBar is the top line: the app name, the two tabs and a summary of
// session states (icon, count and word: never colour alone).
func (m Model) tabBar() string {
	st := &m.sh.st
	hl, sl := m.tabLabels()
	tab := func(label string, active bool) string {
		if active {
			return st.TabActive.Render(label)
		}
		return st.TabInactive.Render(label)
	}
	left := st.AppTitle.Render("sshdash") + "  " + tab(hl, m.focus == paneHosts) + "  " + tab(sl, m.focus == paneSessions)
	var counts [session.Closed + 1]int
	for _, s := range m.snapshot {
		if s.State >= 0 && s.State <= session.Closed {
			counts[s.State]++
		}
	}
	order := []session.State{session.NeedsYou, session.Failed, session.Dropped, session.Reconnecting, session.Stale, session.Connecting, session.Up}
	space := m.w - ansiWidth(left) - 2
	summary := func(words bool) string {
		var parts []string
		for _, s := range order {
			n := counts[s]
			if s == session.Connecting {
				n += counts[session.Resolving]
			}
			if n == 0 {
				continue
			}
			t := fmt.Sprintf("%s %d", stateIcon(s), n)
			if words {
				t += " " + s.String()
			}
			parts = append(parts, stateStyle(st, s).Render(t))
		}
		return strings.Join(parts, "  ")
	}
	right := summary(true)
	if ansiWidth(right) > space {
		right = summary(false) // icons and counts only; the table has the words
	}
	if right == "" || ansiWidth(right) > space {
		return fit(left, m.w)
	}
	return left + fitRight(right, m.w-ansiWidth(left))
}

// statusBar is the status line: the last message on the left, waiting
// prompts and configuration problems on the right.
func (m Model) statusBar() string {
	st := &m.sh.st
	var right []string
	if n := m.prompts.waiting(); n > 0 && m.activeModal() != "prompt" {
		right = append(right, st.StateNeedsYou.Render(fmt.Sprintf("? %d prompt(s) waiting", n)))
	}
	if n := len(m.configErrors); n > 0 {
		right = append(right, st.StatusError.Render(fmt.Sprintf("⚠ %d config problem(s)", n))+st.Muted.Render(" ("+helpKey(m.sh.keys.Errors)+")"))
	}
	r := strings.Join(right, "  ")
	text := m.status.text
	style := st.StatusInfo
	switch m.status.kind {
	case statusError:
		text = "⚠ " + text
		style = st.StatusError
	case statusOK:
		text = "✓ " + text
		style = st.StatusOK
	}
	rw := ansiWidth(r)
	lw := max(m.w-rw-1, 0)
	return fit(style.Render(ansiTruncate(text, lw)), lw) + " " + r
}

// hintBar is the one-line key hint for what has the keyboard.
func (m Model) hintBar() string {
	k := m.sh.keys
	var bs []key.Binding
	switch m.activeModal() {
	case "confirm":
		bs = []key.Binding{k.Yes, k.No}
	case "settings":
		bs = []key.Binding{k.NextField, k.Left, k.Right, withHelp(k.Submit, "save"), k.Cancel}
	case "prompt":
		bs = m.prompts.hints()
	case "help", "errors":
		bs = []key.Binding{withHelp(k.Back, "close")}
	default:
		switch {
		case m.logOpen:
			bs = []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, withHelp(k.Back, "close log")}
		case m.focus == paneHosts && m.hosts.filtering:
			bs = []key.Binding{withHelp(k.Submit, "apply filter"), withHelp(k.ClearFilter, "clear"),
				key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "move"))}
		case m.focus == paneHosts:
			bs = k.hostsHints()
			if m.hosts.query() != "" {
				bs = append([]key.Binding{k.ClearFilter}, bs...)
			}
		default:
			bs = k.sessionsHints()
		}
	}
	h := m.sh.help
	h.SetWidth(m.w)
	return fit(h.ShortHelpView(bs), m.w)
}

// withHelp is b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// errorsView is the configuration problems panel.
func (m Model) errorsView() []string {
	st := &m.sh.st
	w := clamp(m.w-8, 30, 100)
	var body []string
	for _, e := range m.configErrors {
		for i, l := range wrap(e, w-6) {
			if i == 0 {
				body = append(body, st.Error.Render("⚠ ")+l)
			} else {
				body = append(body, "  "+l)
			}
		}
	}
	maxLines := max(m.h-8, 3)
	if len(body) > maxLines {
		more := len(body) - maxLines + 1
		body = append(body[:maxLines-1], st.Muted.Render(fmt.Sprintf("… and %d more line(s)", more)))
	}
	body = append(body, "", st.Muted.Render("The rest of the configuration is in use. esc closes."))
	return modalBox(st, "SSH configuration problems", body, w)
}

// nullBackend stands in when Options.Backend is nil.
type nullBackend struct{}

func (nullBackend) Hosts() []Host                               { return nil }
func (nullBackend) ConfigErrors() []string                      { return nil }
func (nullBackend) Open(string, bool) tea.Cmd                   { return nil }
func (nullBackend) Sessions() []session.Status                  { return nil }
func (nullBackend) Screen(int, int, int) []string               { return nil }
func (nullBackend) Log(int) []session.LogEntry                  { return nil }
func (nullBackend) Reconnect(int)                               {}
func (nullBackend) Close(int)                                   {}
func (nullBackend) Attach(int) tea.Cmd                          { return nil }
func (nullBackend) SaveHostSettings(string, HostSettings) error { return nil }
func (nullBackend) Events() <-chan session.Event                { return nil }
