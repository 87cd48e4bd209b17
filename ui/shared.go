// State every screen shares (styles, keys, clock, logger) and theme
// switching.

package ui

import (
	"log/slog"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/themes"
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

func (m *Model) applyTheme(t themes.Theme) {
	m.sh.setTheme(t)
	m.hosts.applyTheme()
	m.settings.applyTheme()
	m.prompts.applyTheme()
	m.bc.input.SetStyles(inputStyles(&m.sh.st))
}
