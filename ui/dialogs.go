package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// confirmDoneMsg is the answer to a confirmation dialog; on yes the root
// model acts on then.
type confirmDoneMsg struct {
	yes  bool
	then tea.Msg
}

// confirmModel asks a yes/no question (close a session, quit).
type confirmModel struct {
	sh       *shared
	question string
	detail   string
	then     tea.Msg
	// alt, when set, is a third answer on the key l (the quit question's
	// "leave running"), labelled altLabel.
	alt      tea.Msg
	altLabel string
}

func newConfirmModel(sh *shared, question, detail string, then tea.Msg) confirmModel {
	return confirmModel{sh: sh, question: question, detail: detail, then: then}
}

func (m confirmModel) Init() tea.Cmd { return nil }

// Update: y, enter (and ctrl+c for a quit question) say yes; n and esc no.
func (m confirmModel) Update(msg tea.Msg) (confirmModel, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	k := m.sh.keys
	_, quitting := m.then.(quitMsg)
	switch {
	case m.alt != nil && (kp.String() == "l" || kp.String() == "L"):
		return m, emit(confirmDoneMsg{yes: true, then: m.alt})
	case key.Matches(kp, k.Yes, k.Submit), quitting && kp.String() == "ctrl+c":
		return m, emit(confirmDoneMsg{yes: true, then: m.then})
	case key.Matches(kp, k.No, k.Cancel), key.Matches(kp, k.Quit) && !quitting:
		return m, emit(confirmDoneMsg{})
	}
	return m, nil
}

func (m confirmModel) View() []string {
	st := &m.sh.st
	w := clamp(max(len([]rune(m.question)), len([]rune(m.detail)))+6, 36, 70)
	body := []string{st.Bold.Render(m.question)}
	if m.detail != "" {
		body = append(body, wrap(st.Muted.Render(m.detail), w-4)...)
	}
	buttons := st.ButtonFocus.Render("[ y  Yes ]") + "  " + st.Button.Render("[ n  No ]")
	if m.alt != nil {
		buttons += "  " + st.Button.Render("[ l  "+m.altLabel+" ]")
	}
	body = append(body, "", buttons)
	return modalBox(st, "Confirm", body, w)
}

// helpModel is the full key help (?), generated from the key map. On a
// screen too small for all of it, it scrolls (off is the first line shown).
type helpModel struct {
	sh  *shared
	off int
}

func newHelpModel(sh *shared) helpModel { return helpModel{sh: sh} }

func (m helpModel) Init() tea.Cmd { return nil }

func (m helpModel) Update(tea.Msg) (helpModel, tea.Cmd) { return m, nil }

// scroll moves the help d lines down (d < 0: up) for a w×h screen.
func (m *helpModel) scroll(d, w, h int) {
	body, rows := m.body(w, h)
	m.off = max(0, min(m.off+d, len(body)-rows))
}

// body is the whole help for a w×h screen and how many of its lines fit:
// the key map's columns side by side when they fit, else two by two, else
// one under another, after the attach prefix's keys (wrapped).
func (m helpModel) body(w, h int) (body []string, rows int) {
	st := &m.sh.st
	k := m.sh.keys
	hm := m.sh.help
	hm.SetWidth(0)
	groups := k.FullHelp()
	titles := k.FullHelpTitles()
	avail := w - 8
	fits := func(s string) bool { return maxLineWidth(s) <= avail }
	var blocks []string
	if full := renderHelpGroups(hm, groups, titles, st.Group.Render); fits(full) {
		blocks = append(blocks, full)
	} else {
		per := 2
		for i := 0; i < len(groups); i += 2 {
			if !fits(renderHelpGroups(hm, groups[i:min(i+2, len(groups))], titles[i:min(i+2, len(groups))], st.Group.Render)) {
				per = 1
			}
		}
		for i := 0; i < len(groups); i += per {
			j := min(i+per, len(groups))
			blocks = append(blocks, renderHelpGroups(hm, groups[i:j], titles[i:j], st.Group.Render))
		}
	}
	// The attach prefix first: it is what a new user needs to get back.
	body = append(body, st.Group.Render("Attached to a session")+"  "+st.Muted.Render("ctrl+^ then:"))
	var line []string
	for _, kv := range [][2]string{{"d", "detach"}, {"n/p", "next/prev"}, {"1–9", "jump"}, {"r", "reconnect"}, {".", "close"}, {"[", "scrollback"}} {
		item := st.HintKey.Render(kv[0]) + " " + kv[1]
		if len(line) > 0 && ansiWidth(strings.Join(append(line, item), "  ")) > avail {
			body = append(body, strings.Join(line, "  "))
			line = nil
		}
		line = append(line, item)
	}
	body = append(body, strings.Join(line, "  "))
	for _, b := range blocks {
		body = append(body, "")
		body = append(body, strings.Split(b, "\n")...)
	}
	body = append(body, "")
	body = append(body, wrap(st.Muted.Render(netHeaderHelp), max(min(avail, maxLineWidth(strings.Join(body, "\n"))), 10))...)
	body = append(body, wrap(st.Muted.Render("Mouse: click a row to select it, click a tab to switch. esc closes."), max(avail, 10))...)
	rows = max(h-6, 3)
	if len(body) > rows {
		rows-- // the last line says there is more
	}
	return body, min(rows, len(body))
}

// View renders the help dialog for a w×h screen, from line off when it
// does not fit.
func (m helpModel) View(w, h int) []string {
	st := &m.sh.st
	body, rows := m.body(w, h)
	bw := 0
	for _, l := range body {
		bw = max(bw, ansiWidth(l))
	}
	bw = min(bw+6, w-2)
	if len(body) > rows {
		off := max(0, min(m.off, len(body)-rows))
		more := fmt.Sprintf("↑/↓ scroll · lines %d–%d of %d", off+1, off+rows, len(body))
		body = append(body[off:off+rows:off+rows], st.Muted.Render(more))
	}
	return modalBox(st, "Keys", body, bw)
}

// renderHelpGroups renders binding columns with a title over each.
func renderHelpGroups(hm interface {
	FullHelpView([][]key.Binding) string
}, groups [][]key.Binding, titles []string, title func(...string) string) string {
	withTitles := make([][]key.Binding, len(groups))
	for i, g := range groups {
		t := key.NewBinding(key.WithKeys("\x00"), key.WithHelp(titles[i], "")) // a heading, never matched
		withTitles[i] = append([]key.Binding{t}, g...)
	}
	return hm.FullHelpView(withTitles)
}

func maxLineWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, ansiWidth(l))
	}
	return w
}
