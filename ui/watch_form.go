// The watch form: a session's watchers, toggled from the sessions table.

package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/watch"
)

// watchFormMsg asks for the watch form of a session.
type watchFormMsg struct{ id int }

// Fields of the watch form, in order.
const (
	wfDrop = iota
	wfBack
	wfFail
	wfExit
	wfSilence
	wfMatch
	wfFields
)

// watchForm edits one session's watchers.
type watchForm struct {
	open    bool
	id      int
	alias   string
	flags   [wfSilence]bool // drop, back, fail, exit
	silence textinput.Model
	match   textinput.Model
	field   int
	err     string
}

// openWatchForm opens the form on session id's current watchers.
func (m *Model) openWatchForm(id int) {
	if m.watch.be == nil {
		m.status = statusLine{"watchers are not available here", statusError}
		return
	}
	s, ok := m.sessionByID(id)
	if !ok {
		return
	}
	spec := m.watch.be.Watches(id)
	f := watchForm{open: true, id: id, alias: s.Alias, flags: [wfSilence]bool{spec.Drop, spec.Back, spec.Fail, spec.Exit}}
	sil, re := "", ""
	if spec.Silence > 0 {
		sil = shortDuration(spec.Silence)
	}
	if spec.Match != nil {
		re = spec.Match.String()
	}
	f.silence = newInput(sil, "off, or e.g. 30s", 12)
	f.match = newInput(re, "off, or e.g. ERROR|panic", 256)
	is := inputStyles(&m.sh.st)
	f.silence.SetStyles(is)
	f.match.SetStyles(is)
	m.watch.form = f
}

// focus moves to field i (wrapping) and focuses its text input.
func (f *watchForm) focus(i int) tea.Cmd {
	f.field = (i + wfFields) % wfFields
	f.silence.Blur()
	f.match.Blur()
	switch f.field {
	case wfSilence:
		return f.silence.Focus()
	case wfMatch:
		return f.match.Focus()
	}
	return nil
}

// spec reads the form.
func (f *watchForm) spec() (watch.Spec, error) {
	var items []string
	for i, name := range []string{"drop", "back", "fail", "exit"} {
		if f.flags[i] {
			items = append(items, name)
		}
	}
	if v := strings.TrimSpace(f.silence.Value()); v != "" && v != "off" {
		items = append(items, "silence="+v)
	}
	if v := f.match.Value(); v != "" {
		items = append(items, "match="+v)
	}
	return watch.Parse(items)
}

// watchFormKey handles a key while the form is open.
func (m *Model) watchFormKey(kp tea.KeyPressMsg) tea.Cmd {
	k := m.sh.keys
	f := &m.watch.form
	switch {
	case key.Matches(kp, k.Cancel):
		f.open = false
		return nil
	case key.Matches(kp, k.Save, k.Submit):
		spec, err := f.spec()
		if err != nil {
			f.err = err.Error()
			return nil
		}
		if err := m.watch.be.SetWatches(f.id, spec); err != nil {
			f.err = err.Error()
			return nil
		}
		f.open = false
		m.status = statusLine{fmt.Sprintf("watching %s: %s", f.alias, spec), statusOK}
		return nil
	case key.Matches(kp, k.NextField):
		return f.focus(f.field + 1)
	case key.Matches(kp, k.PrevField):
		return f.focus(f.field - 1)
	}
	f.err = ""
	var cmd tea.Cmd
	switch f.field {
	case wfSilence:
		f.silence, cmd = f.silence.Update(kp)
	case wfMatch:
		f.match, cmd = f.match.Update(kp)
	default:
		if key.Matches(kp, k.Left, k.Right) || kp.String() == "x" {
			f.flags[f.field] = !f.flags[f.field]
		}
	}
	return cmd
}

// watchFormPaste puts pasted text in the focused text field.
func (m *Model) watchFormPaste(msg tea.PasteMsg) tea.Cmd {
	f := &m.watch.form
	var cmd tea.Cmd
	switch f.field {
	case wfSilence:
		f.silence, cmd = f.silence.Update(msg)
	case wfMatch:
		f.match, cmd = f.match.Update(msg)
	}
	return cmd
}

// watchFormView renders the form as a modal box.
func (m Model) watchFormView() []string {
	st := &m.sh.st
	f := &m.watch.form
	w := clamp(m.w-8, 40, 72)
	cursor := func(i int) string {
		if f.field == i {
			return st.HintKey.Render("▸ ")
		}
		return "  "
	}
	body := []string{st.Muted.Render("Notify when this session…"), ""}
	for i, l := range [...]struct{ name, what string }{
		{"drop", "drops (the link went down)"},
		{"back", "comes back up after a drop"},
		{"fail", "fails for good"},
		{"exit", "ends: its command exited"},
	} {
		box := "[ ]"
		if f.flags[i] {
			box = "[x]"
		}
		body = append(body, cursor(i)+box+" "+fit(l.name, 8)+st.Muted.Render(l.what))
	}
	body = append(body,
		cursor(wfSilence)+fit("silence", 12)+f.silence.View(),
		"  "+st.Muted.Render("            is silent this long after output"),
		cursor(wfMatch)+fit("match", 12)+f.match.View(),
		"  "+st.Muted.Render("            prints a line this regexp matches"),
	)
	if f.err != "" {
		body = append(body, "")
		body = append(body, wrap(st.Error.Render("⚠ "+f.err), w-4)...)
	}
	body = append(body, "", st.Muted.Render("For this session only; watch = [...] in the settings file for a host."))
	return modalBox(st, "Watchers · "+f.alias, body, w)
}
