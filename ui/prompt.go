package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/themes"
)

// promptDoneMsg tells the root model a prompt was answered or cancelled.
// It carries no answer: answers go to the session only.
type promptDoneMsg struct {
	id        int
	cancelled bool
}

type promptItem struct {
	id    int
	alias string
	p     *session.Prompt
}

// promptModel shows the questions sessions ask (host key, passphrase,
// password, keyboard-interactive), one at a time, oldest first. Answers
// are passed to Prompt.Answer and never shown, logged or kept: inputs with
// Echo false show nothing at all (not even the length, as ssh) and every
// input is reset after answering.
type promptModel struct {
	sh     *shared
	queue  []promptItem
	inputs []textinput.Model
	focus  int  // input with the keyboard
	yes    bool // host key prompt: the Yes button has focus
	// pasteNote explains why a pasted host key answer was not taken.
	pasteNote string
	w         int
}

func newPromptModel(sh *shared) promptModel { return promptModel{sh: sh, w: 60} }

func (m promptModel) active() bool { return len(m.queue) > 0 }

// waiting is the number of prompts queued (including the one shown).
func (m promptModel) waiting() int { return len(m.queue) }

func (m *promptModel) setWidth(w int) { m.w = clamp(w-4, 40, 76); m.sizeInputs() }

func (m *promptModel) applyTheme() {
	for i := range m.inputs {
		m.inputs[i].SetStyles(inputStyles(&m.sh.st))
	}
}

func (m *promptModel) sizeInputs() {
	for i := range m.inputs {
		m.inputs[i].SetWidth(max(m.w-8, 10))
	}
}

// push queues a prompt; it is shown at once if none is showing.
func (m *promptModel) push(id int, alias string, p *session.Prompt) tea.Cmd {
	m.queue = append(m.queue, promptItem{id: id, alias: alias, p: p})
	if len(m.queue) == 1 {
		return m.setup()
	}
	return nil
}

// setup prepares the inputs for the prompt at the head of the queue.
func (m *promptModel) setup() tea.Cmd {
	m.clearInputs()
	m.focus, m.yes, m.pasteNote = 0, false, ""
	if len(m.queue) == 0 {
		return nil
	}
	p := m.queue[0].p
	if p.Kind == session.PromptHostKey {
		return nil
	}
	qs := p.Questions
	if len(qs) == 0 {
		// A password or passphrase prompt without explicit question.
		qs = []session.Question{{Text: defaultQuestion(p.Kind), Echo: false}}
	}
	m.inputs = make([]textinput.Model, len(qs))
	for i, q := range qs {
		ti := textinput.New()
		ti.Prompt = ""
		ti.Placeholder = ""
		ti.CharLimit = 1024
		if !q.Echo {
			ti.EchoMode = textinput.EchoNone
		}
		ti.SetStyles(inputStyles(&m.sh.st))
		m.inputs[i] = ti
	}
	m.sizeInputs()
	return m.inputs[0].Focus()
}

func defaultQuestion(k session.PromptKind) string {
	switch k {
	case session.PromptPassphrase:
		return "Passphrase:"
	case session.PromptPassword:
		return "Password:"
	}
	return "Answer:"
}

// questions are the prompt's questions as shown.
func (m promptModel) questions() []session.Question {
	p := m.queue[0].p
	if len(p.Questions) == 0 {
		return []session.Question{{Text: defaultQuestion(p.Kind)}}
	}
	return p.Questions
}

// clearInputs wipes typed text.
func (m *promptModel) clearInputs() {
	for i := range m.inputs {
		m.inputs[i].Reset()
	}
	m.inputs = nil
}

// next drops the head of the queue and shows the next prompt.
func (m *promptModel) next() tea.Cmd {
	m.queue = m.queue[1:]
	return m.setup()
}

// dropSession removes the prompts of a session that has ended; a shown
// prompt is cancelled so its session stops waiting.
func (m *promptModel) dropSession(id int) {
	head := len(m.queue) > 0 && m.queue[0].id == id
	kept := m.queue[:0]
	for _, it := range m.queue {
		if it.id == id {
			it.p.Cancel()
			continue
		}
		kept = append(kept, it)
	}
	m.queue = kept
	if head {
		m.setup()
	}
}

// Update handles keys while a prompt is shown.
func (m promptModel) Update(msg tea.Msg) (promptModel, tea.Cmd) {
	if len(m.queue) == 0 {
		return m, nil
	}
	if paste, ok := msg.(tea.PasteMsg); ok && m.queue[0].p.Kind == session.PromptHostKey {
		return m.pastedHostKeyAnswer(paste.Content)
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if len(m.inputs) > 0 {
			var cmd tea.Cmd
			m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
			return m, cmd
		}
		return m, nil
	}
	k := m.sh.keys
	it := m.queue[0]
	if key.Matches(kp, k.Cancel) {
		it.p.Cancel()
		cmd := m.next()
		return m, tea.Batch(cmd, emit(promptDoneMsg{id: it.id, cancelled: true}))
	}
	if it.p.Kind == session.PromptHostKey {
		answer := ""
		switch {
		case key.Matches(kp, k.Yes):
			answer = "yes"
		case key.Matches(kp, k.No):
			answer = "no"
		case key.Matches(kp, k.Left, k.Right, k.NextField, k.PrevField):
			m.yes = !m.yes
		case key.Matches(kp, k.Submit):
			answer = "no"
			if m.yes {
				answer = "yes"
			}
		}
		if answer == "" {
			return m, nil
		}
		it.p.Answer([]string{answer})
		cmd := m.next()
		return m, tea.Batch(cmd, emit(promptDoneMsg{id: it.id}))
	}
	switch {
	case key.Matches(kp, k.Submit):
		if m.focus < len(m.inputs)-1 {
			return m, m.focusInput(m.focus + 1)
		}
		answers := make([]string, len(m.inputs))
		for i, in := range m.inputs {
			answers[i] = in.Value()
		}
		it.p.Answer(answers) // the session owns the answers now
		cmd := m.next()
		return m, tea.Batch(cmd, emit(promptDoneMsg{id: it.id}))
	case kp.String() == "tab" || kp.String() == "down":
		return m, m.focusInput(m.focus + 1)
	case kp.String() == "shift+tab" || kp.String() == "up":
		return m, m.focusInput(m.focus - 1)
	}
	var cmd tea.Cmd
	m.inputs[m.focus], cmd = m.inputs[m.focus].Update(msg)
	return m, cmd
}

// pastedHostKeyAnswer answers the host key prompt with pasted text as ssh
// takes a typed answer: the key's fingerprint (or yes) trusts it, no
// rejects it; anything else is not an answer and says so.
func (m promptModel) pastedHostKeyAnswer(text string) (promptModel, tea.Cmd) {
	it := m.queue[0]
	if strings.TrimSpace(text) == "" {
		return m, nil
	}
	ans, ok := it.p.HostKeyReply(text)
	if !ok {
		m.pasteNote = "The pasted text is not this key's fingerprint. " + strings.TrimSpace(session.HostKeyRetry)
		return m, nil
	}
	it.p.Answer([]string{ans})
	cmd := m.next()
	return m, tea.Batch(cmd, emit(promptDoneMsg{id: it.id}))
}

func (m *promptModel) focusInput(i int) tea.Cmd {
	n := len(m.inputs)
	if n == 0 {
		return nil
	}
	m.inputs[m.focus].Blur()
	m.focus = (i%n + n) % n
	return m.inputs[m.focus].Focus()
}

// hints are the key hints for the shown prompt.
func (m promptModel) hints() []key.Binding {
	k := m.sh.keys
	if len(m.queue) > 0 && m.queue[0].p.Kind == session.PromptHostKey {
		return []key.Binding{withHelp(k.Yes, "trust"), withHelp(k.No, "reject"), withHelp(k.Cancel, "cancel")}
	}
	if len(m.inputs) > 1 {
		return []key.Binding{withHelp(k.Submit, "next / answer"), withHelp(k.NextField, "next field"), withHelp(k.Cancel, "cancel")}
	}
	return []key.Binding{withHelp(k.Submit, "answer"), withHelp(k.Cancel, "cancel")}
}

// View renders the prompt at the head of the queue as a dialog.
func (m promptModel) View() []string {
	if len(m.queue) == 0 {
		return nil
	}
	st := &m.sh.st
	it := m.queue[0]
	p := it.p
	inner := m.w - 4
	var title string
	switch p.Kind {
	case session.PromptHostKey:
		title = "Unknown host key"
	case session.PromptPassphrase:
		title = "Key passphrase"
	case session.PromptPassword:
		title = "Password"
	default:
		title = "Authentication"
	}
	host := p.Host
	if host == "" {
		host = it.alias
	}
	title += " · " + host
	if len(m.queue) > 1 {
		title += fmt.Sprintf(" (1 of %d)", len(m.queue))
	}
	var body []string
	if p.Banner != "" {
		body = append(body, bannerLines(st, p.Banner, inner)...)
		body = append(body, "")
	}
	if p.Notice != "" {
		body = append(body, st.Error.Render(fit(p.Notice, inner)), "")
	}
	if p.Title != "" {
		body = append(body, wrap(p.Title, inner)...)
		body = append(body, "")
	}
	if p.Kind == session.PromptHostKey {
		body = append(body,
			st.Label.Render(fit("Host", 13))+host,
			st.Label.Render(fit("Key type", 13))+p.KeyType,
			st.Label.Render(fit("Fingerprint", 13))+st.Fingerprint.Render(p.Fingerprint),
			"",
		)
		body = append(body, wrap("Trust this key, remember it in known_hosts and connect?", inner)...)
		body = append(body, "")
		yes, no := st.Button.Render("[ Yes, trust ]"), st.Button.Render("[ No ]")
		if m.yes {
			yes = st.ButtonFocus.Render("[ Yes, trust ]")
		} else {
			no = st.ButtonFocus.Render("[ No ]")
		}
		body = append(body, yes+"  "+no+st.Muted.Render("   y / n"))
		for _, l := range wrap("or paste the key's fingerprint to trust it", inner) {
			body = append(body, st.Muted.Render(l))
		}
		if m.pasteNote != "" {
			body = append(body, "")
			for _, l := range wrap(m.pasteNote, inner) {
				body = append(body, st.Error.Render(l))
			}
		}
		return modalBox(st, title, body, m.w)
	}
	if p.Instruction != "" {
		body = append(body, wrap(p.Instruction, inner)...)
		body = append(body, "")
	}
	for i, q := range m.questions() {
		text := q.Text
		if text == "" {
			text = defaultQuestion(p.Kind)
		}
		label := st.Label.Render(text)
		if i == m.focus {
			label = st.HintKey.Render(text)
		}
		body = append(body, label)
		if i < len(m.inputs) {
			body = append(body, "  "+m.inputs[i].View())
		}
	}
	body = append(body, "", st.Muted.Render("enter answers · esc cancels"))
	return modalBox(st, title, body, m.w)
}

// maxBannerLines bounds how much of a server banner the prompt shows; the
// whole banner is in the session's event log.
const maxBannerLines = 12

// bannerLines renders a server's pre-authentication banner (already made
// safe by the session layer) wrapped to width, at most maxBannerLines.
func bannerLines(st *themes.Styles, banner string, width int) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(banner, "\n"), "\n") {
		out = append(out, wrap(strings.ReplaceAll(l, "\t", "    "), width)...)
	}
	if len(out) > maxBannerLines {
		out = append(out[:maxBannerLines-1], "… (the whole banner is in the event log)")
	}
	for i, l := range out {
		out[i] = st.Muted.Render(l)
	}
	return out
}
