package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// KeyMap is every key binding of the dashboard. DefaultKeyMap returns the
// defaults; a caller may change keys and help texts before passing it in
// Options. The help screen (?) and the one-line hint are generated from it.
type KeyMap struct {
	// Navigation
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	NextPane key.Binding
	PrevPane key.Binding

	// Hosts pane
	Connect      key.Binding // connect to the host and attach
	Select       key.Binding // mark / unmark for opening in the background, then move down
	SelectAll    key.Binding // mark (or unmark) every host the filter shows
	OpenSelected key.Binding // open every marked host in the background
	OpenTunnels  key.Binding // open the marked (or current) hosts for their tunnels only
	Filter       key.Binding // start fuzzy filtering
	GroupBy      key.Binding // group the list by tag or by file
	Detached     key.Binding // list the host's detached sessions (resume, close)
	ClearFilter  key.Binding // leave / clear the filter

	// Sessions pane
	Attach    key.Binding
	Reconnect key.Binding
	Close     key.Binding
	Log       key.Binding
	// Watch opens the session's watchers (notify on drop, back, fail,
	// exit, silence, a matching line).
	Watch key.Binding
	// Scrollback focuses the preview to scroll through the session's
	// history (esc or [ again: back to the table).
	Scrollback key.Binding
	// Broadcast opens a line editor whose lines go to every marked
	// session that is up; BroadcastLive sends every key as typed, until
	// BroadcastEnd (see broadcast.go).
	Broadcast     key.Binding
	BroadcastLive key.Binding
	BroadcastEnd  key.Binding

	// Both panes
	Edit key.Binding // heartbeat / reattach settings of the host

	// Everywhere
	Errors key.Binding // configuration errors panel
	Help   key.Binding
	Quit   key.Binding
	Back   key.Binding // leave a panel, cancel a pending attach

	// Dialogs and forms
	Yes       key.Binding
	No        key.Binding
	Submit    key.Binding
	Save      key.Binding // save a form from any field
	Cancel    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Left      key.Binding // previous choice in a choice field
	Right     key.Binding // next choice
}

// DefaultKeyMap returns sshdash's default keys:
//
//	↑/k ↓/j        move            pgup/pgdown   page      g/home G/end  first/last
//	tab shift+tab  switch pane (Hosts | Sessions)
//	Hosts:    enter connect and attach · space mark and move down · * mark (or
//	          unmark) every host shown · o open marked in list order in the
//	          background · / filter (esc clears; tag:x or #x: hosts tagged x)
//	          · # group by tag or by file · R detached sessions on the server
//	          (enter resume, x close) · e heartbeat settings
//	Sessions: enter attach · r reconnect now (asks without reattach) · x or .
//	          close (asks) · l event log · w watchers · [ scroll the preview (pgup/pgdown,
//	          ↑/↓, g/G; the mouse wheel over it too) · e heartbeat settings
//	          · space mark, * mark all shown (with a #tag host filter: the
//	          tagged) · b broadcast lines to the marked sessions that are up
//	          · B live broadcast of every key (ctrl+^ ends it)
//	!  configuration errors · ?  help · q or ctrl+c quit (asks while sessions are open)
//	Dialogs:  y/n, enter/esc; forms: enter, tab/shift+tab (j/k outside text)
//	          fields, ←/→ choices, ctrl+s save, esc cancel
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "switch pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),

		Connect:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "connect")),
		Select:       key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark, move down")),
		SelectAll:    key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "mark all shown")),
		OpenSelected: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open marked")),
		OpenTunnels:  key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tunnels only")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		GroupBy:      key.NewBinding(key.WithKeys("#"), key.WithHelp("#", "group by tag/file")),
		Detached:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "detached sessions")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		Attach:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "attach")),
		Reconnect:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reconnect")),
		Close:      key.NewBinding(key.WithKeys("x", "."), key.WithHelp("x", "close")),
		Log:        key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log")),
		Watch:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "watchers")),
		Scrollback: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "scroll preview")),

		Broadcast:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "broadcast lines")),
		BroadcastLive: key.NewBinding(key.WithKeys("B"), key.WithHelp("B", "broadcast keys")),
		BroadcastEnd:  key.NewBinding(key.WithKeys("ctrl+^", "ctrl+6"), key.WithHelp("ctrl+^", "end broadcast")),

		Edit: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "settings, tags")),

		Errors: key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "config errors")),
		Help:   key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:   key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),

		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
		Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "ok")),
		Save:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
		Right:     key.NewBinding(key.WithKeys("right", "space"), key.WithHelp("→", "next choice")),
	}
}

// ShortHelp implements help.KeyMap: the bindings of the hosts pane.
func (k KeyMap) ShortHelp() []key.Binding { return k.hostsHints() }

// FullHelp implements help.KeyMap: every binding, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.NextPane},
		{k.Connect, k.Select, k.SelectAll, k.OpenSelected, k.OpenTunnels, k.Filter, k.ClearFilter, k.GroupBy, k.Detached},
		{k.Attach, k.Reconnect, k.Close, k.Log, k.Watch, k.Scrollback,
			withHelp(k.Select, "mark"), withHelp(k.SelectAll, "mark all or #tag"), k.Broadcast, k.BroadcastLive, k.BroadcastEnd},
		{k.Edit, k.Errors, k.Help, k.Quit, k.Back},
	}
}

// FullHelpTitles names the columns of FullHelp.
func (k KeyMap) FullHelpTitles() []string {
	return []string{"Move", "Hosts", "Sessions", "General"}
}

func (k KeyMap) hostsHints() []key.Binding {
	return []key.Binding{k.Connect, k.Select, k.OpenSelected, k.Filter, k.Help, k.Quit, k.NextPane, k.Edit}
}

func (k KeyMap) sessionsHints() []key.Binding {
	return []key.Binding{k.Attach, k.Reconnect, k.Close, k.Log, k.Help, k.Quit, k.NextPane, k.Edit}
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

// withHelp is b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// navDelta is how far a list's cursor moves for a navigation key: one row,
// a page of `page` rows less one, or to either end of `total`; ok is false
// for other keys.
func navDelta(k KeyMap, kp tea.KeyPressMsg, page, total int) (delta int, ok bool) {
	switch {
	case key.Matches(kp, k.Up):
		return -1, true
	case key.Matches(kp, k.Down):
		return 1, true
	case key.Matches(kp, k.PageUp):
		return -max(page-1, 1), true
	case key.Matches(kp, k.PageDown):
		return max(page-1, 1), true
	case key.Matches(kp, k.Top):
		return -total, true
	case key.Matches(kp, k.Bottom):
		return total, true
	}
	return 0, false
}
