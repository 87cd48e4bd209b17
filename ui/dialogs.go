package ui

import (
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

// helpModel is the full key help (?), generated from the key map.
type helpModel struct{ sh *shared }

func newHelpModel(sh *shared) helpModel { return helpModel{sh: sh} }

func (m helpModel) Init() tea.Cmd { return nil }

func (m helpModel) Update(tea.Msg) (helpModel, tea.Cmd) { return m, nil }

// View renders the help dialog for a w×h screen: the key map's columns,
// side by side when they fit, else two by two.
func (m helpModel) View(w, h int) []string {
	st := &m.sh.st
	k := m.sh.keys
	hm := m.sh.help
	hm.SetWidth(0)
	groups := k.FullHelp()
	titles := k.FullHelpTitles()
	avail := w - 8
	var blocks []string
	full := renderHelpGroups(hm, groups, titles, st.Group.Render)
	if ansiWidth(strings.SplitN(full, "\n", 2)[0]) <= avail && maxLineWidth(full) <= avail {
		blocks = append(blocks, full)
	} else {
		for i := 0; i < len(groups); i += 2 {
			j := min(i+2, len(groups))
			blocks = append(blocks, renderHelpGroups(hm, groups[i:j], titles[i:j], st.Group.Render))
		}
	}
	var body []string
	for i, b := range blocks {
		if i > 0 {
			body = append(body, "")
		}
		body = append(body, strings.Split(b, "\n")...)
	}
	body = append(body, "",
		st.Group.Render("Attached to a session")+"  "+st.Muted.Render("ctrl+^ then:"),
		st.HintKey.Render("d")+" detach  "+st.HintKey.Render("n/p")+" next/prev  "+st.HintKey.Render("1–9")+" jump  "+
			st.HintKey.Render("r")+" reconnect  "+st.HintKey.Render(".")+" close  "+st.HintKey.Render("[")+" scrollback",
		"", st.Muted.Render("Mouse: click a row to select it, click a tab to switch. esc closes."))
	bw := 0
	for _, l := range body {
		bw = max(bw, ansiWidth(l))
	}
	bw = min(bw+6, w-2)
	maxBody := max(h-6, 3)
	if len(body) > maxBody {
		body = body[:maxBody]
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
