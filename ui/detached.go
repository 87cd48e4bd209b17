// Detached sessions: sshdash's shells left running on a host's server (the
// quit dialog's "leave running", a killed sshdash, a closed terminal).
// The hosts pane marks a host with how many it has once they are known:
// from a session's own first connection to the host, from R, or from the
// backend's fetch at start of the hosts where sshdash may have left
// shells. Moving the cursor logs in nowhere. The R key lists them,
// resumes one (enter) or closes one (x).

package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// DetachedBackend is implemented by a Backend that can find sshdash's
// detached sessions on a host's server. The dashboard asks for it with a
// type assertion; without it the R key says the backend cannot list them.
// Like Open, the methods that take time return a tea.Cmd.
type DetachedBackend interface {
	// ListDetached lists sshdash's sessions on alias's server over a
	// connection of its own that asks nothing (no password or host key
	// question). The command's message is DetachedListed. The dashboard
	// calls it only when the user asks (R, or r in the list).
	ListDetached(alias string) tea.Cmd
	// ResumeDetached opens a session to alias that attaches to the
	// detached session name instead of starting a shell. Its message is
	// SessionOpened (Background false: the dashboard attaches when it is
	// up) or OpenFailed.
	ResumeDetached(alias, name string) tea.Cmd
	// CloseDetached ends the detached session name on alias's server. Its
	// message is DetachedClosed.
	CloseDetached(alias, name string) tea.Cmd
	// DetachedNews is signalled (it never blocks the sender; one signal
	// may stand for several lists) when sessions' first connections, or
	// the backend's own fetch at start for the hosts where sshdash may have
	// left shells, have listed hosts' sessions; TakeDetachedNews returns
	// those lists and forgets them. It may be nil.
	DetachedNews() <-chan struct{}
	TakeDetachedNews() []DetachedListed
}

// DetachedListed is what sshdash's sessions on a host's server are, as
// ListDetached or a session's first connection found them. List holds
// every session the server has of sshdash's, except those this dashboard
// has open; Err says why there is no list.
type DetachedListed struct {
	Alias string
	List  []session.RemoteSession
	Err   error
}

// DetachedClosed is the result of DetachedBackend.CloseDetached.
type DetachedClosed struct {
	Alias, Name string
	Err         error
}

// Messages of the detached sessions' flows.
type (
	// detachedOpenMsg: open the list of alias's detached sessions (R).
	detachedOpenMsg struct{ alias string }
	// detachedNewsMsg: sessions' first connections found lists.
	detachedNewsMsg struct{}
	// detachedCloseMsg: confirmed, close name on alias's server.
	detachedCloseMsg struct{ alias, name string }
)

// hostDetached is what the dashboard knows of one host's sessions.
type hostDetached struct {
	known   bool // list or err is an answer
	loading bool
	list    []session.RemoteSession // not attached: resumable or ended
	err     error
}

// resumable counts the sessions a user can attach to.
func (h *hostDetached) resumable() int {
	n := 0
	for _, r := range h.list {
		if r.Resumable() {
			n++
		}
	}
	return n
}

// detachedUI is the root model's part for detached sessions: what is
// known per host and the list dialog.
type detachedUI struct {
	be     DetachedBackend // nil: the backend cannot list them
	hosts  map[string]*hostDetached
	open   bool   // the list dialog is shown
	alias  string // the dialog's host
	cursor int
	note   string // the dialog's last result line (a failed close …)
}

func newDetachedUI(b Backend) detachedUI {
	be, _ := b.(DetachedBackend)
	return detachedUI{be: be, hosts: map[string]*hostDetached{}}
}

// host is the entry for alias, created when missing.
func (d *detachedUI) host(alias string) *hostDetached {
	h := d.hosts[alias]
	if h == nil {
		h = &hostDetached{}
		d.hosts[alias] = h
	}
	return h
}

// counts are the hosts' resumable session counts, for the host rows.
func (d *detachedUI) counts() map[string]int {
	out := make(map[string]int, len(d.hosts))
	for a, h := range d.hosts {
		if n := h.resumable(); h.known && n > 0 {
			out[a] = n
		}
	}
	return out
}

// take records a list; attached sessions are left out (another sshdash,
// or this dashboard's own, is on them).
func (d *detachedUI) take(l DetachedListed) {
	h := d.host(l.Alias)
	h.known, h.loading, h.err = true, false, l.Err
	h.list = h.list[:0:0]
	for _, r := range l.List {
		if !r.Attached {
			h.list = append(h.list, r)
		}
	}
	if d.open && d.alias == l.Alias {
		d.cursor = clamp(d.cursor, 0, max(len(h.list)-1, 0))
	}
}

// drop forgets name on alias (resumed or closed).
func (d *detachedUI) drop(alias, name string) {
	h := d.host(alias)
	for i, r := range h.list {
		if r.Name == name {
			h.list = append(h.list[:i:i], h.list[i+1:]...)
			break
		}
	}
	if d.open && d.alias == alias {
		d.cursor = clamp(d.cursor, 0, max(len(h.list)-1, 0))
	}
}

// fetch starts listing alias's sessions unless that is under way.
func (m *Model) fetchDetached(alias string) tea.Cmd {
	if m.det.be == nil {
		return nil
	}
	h := m.det.host(alias)
	if h.loading {
		return nil
	}
	h.loading = true
	return m.det.be.ListDetached(alias)
}

// waitDetachedNews waits for the backend's signal that sessions found
// lists; nil when the backend has none.
func (m Model) waitDetachedNews() tea.Cmd {
	if m.det.be == nil {
		return nil
	}
	ch := m.det.be.DetachedNews()
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return detachedNewsMsg{}
	}
}

// syncDetachedMarks gives the hosts pane the current counts.
func (m *Model) syncDetachedMarks() { m.hosts.detached = m.det.counts() }

// detachedAction handles the messages of the detached sessions' flows; ok
// is false for other messages.
func (m *Model) detachedAction(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case detachedOpenMsg:
		if m.det.be == nil {
			m.status = statusLine{"this dashboard cannot list the sessions left on servers", statusInfo}
			return nil, true
		}
		m.det.open, m.det.alias, m.det.cursor, m.det.note = true, msg.alias, 0, ""
		return m.fetchDetached(msg.alias), true
	case detachedNewsMsg:
		for _, l := range m.det.be.TakeDetachedNews() {
			m.det.take(l)
		}
		m.syncDetachedMarks()
		return m.waitDetachedNews(), true
	case DetachedListed:
		m.det.take(msg)
		m.syncDetachedMarks()
		return nil, true
	case detachedCloseMsg:
		m.status = statusLine{fmt.Sprintf("closing %s on %s…", msg.name, msg.alias), statusInfo}
		return m.det.be.CloseDetached(msg.alias, msg.name), true
	case DetachedClosed:
		if msg.Err != nil {
			m.status = statusLine{fmt.Sprintf("could not close %s on %s: %v", msg.Name, msg.Alias, msg.Err), statusError}
			m.det.note = "Could not close " + msg.Name + ": " + msg.Err.Error()
			return nil, true
		}
		m.det.drop(msg.Alias, msg.Name)
		m.syncDetachedMarks()
		m.det.note = ""
		m.status = statusLine{fmt.Sprintf("closed %s on %s", msg.Name, msg.Alias), statusOK}
		return nil, true
	}
	return nil, false
}

// detachedKey handles a key while the list dialog is open.
func (m *Model) detachedKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	h := m.det.host(m.det.alias)
	if d, ok := navDelta(k, kp, 10, len(h.list)); ok {
		m.det.cursor = clamp(m.det.cursor+d, 0, max(len(h.list)-1, 0))
		return nil
	}
	var cur *session.RemoteSession
	if m.det.cursor < len(h.list) {
		cur = &h.list[m.det.cursor]
	}
	switch {
	case key.Matches(kp, k.Back, k.Quit, k.Detached):
		m.det.open = false
	case key.Matches(kp, k.Reconnect):
		m.det.note = ""
		return m.fetchDetached(m.det.alias)
	case key.Matches(kp, k.Submit):
		if cur == nil {
			return nil
		}
		if cur.Ended {
			m.det.note = cur.Name + " has ended: only its last screen is left. x closes it."
			return nil
		}
		alias, name := m.det.alias, cur.Name
		m.det.drop(alias, name)
		m.syncDetachedMarks()
		m.det.open = false
		m.status = statusLine{fmt.Sprintf("resuming %s on %s…", name, alias), statusInfo}
		return m.det.be.ResumeDetached(alias, name)
	case key.Matches(kp, k.Close), kp.String() == "delete":
		if cur == nil {
			return nil
		}
		m.openConfirm(fmt.Sprintf("Close %s on %s?", cur.Name, m.det.alias),
			"Its shell and the programs in it are ended on the server.", detachedCloseMsg{alias: m.det.alias, name: cur.Name})
	}
	return nil
}

// detachedHints is the hint bar while the list dialog is open.
func (m Model) detachedHints() []key.Binding {
	k := m.sh.keys
	return []key.Binding{withHelp(k.Submit, "resume"), withHelp(k.Close, "close on server"),
		withHelp(k.Reconnect, "refresh"), k.Up, k.Down, withHelp(k.Back, "back")}
}
