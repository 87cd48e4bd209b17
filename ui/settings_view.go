// The settings form's view: the fields, the buttons, the keys and the
// error, in a dialog.

package ui

import (
	"fmt"
	"strings"

	"github.com/sshdash/sshdash/keepalive"
)

// View renders the form as a dialog.
func (m settingsModel) View() []string {
	st := &m.sh.st
	lw := m.labelWidth()
	label := func(f int, s string) string {
		if m.compact {
			s = shortLabel(s)
		}
		l := fit(s, lw)
		if m.focus == f {
			return st.HintKey.Render("▸ " + l)
		}
		return "  " + st.Label.Render(l)
	}
	choices := func(f int, opts []string, cur int) string {
		parts := make([]string, len(opts))
		for i, o := range opts {
			if i == cur {
				if m.focus == f {
					parts[i] = st.OptionOn.Render("[" + o + "]")
				} else {
					parts[i] = st.Bold.Render("[" + o + "]")
				}
			} else if m.compact {
				parts[i] = st.Option.Render(o)
			} else {
				parts[i] = st.Option.Render(" " + o + " ")
			}
		}
		if m.compact {
			return strings.Join(parts, " ")
		}
		return strings.Join(parts, "")
	}
	modes := make([]string, 0, 4)
	for _, md := range heartbeatModes() {
		modes = append(modes, string(md))
	}
	var body []string
	src := m.host.HeartbeatSource
	if src == "" {
		src = "default"
	}
	now := fmt.Sprintf("Now: heartbeat %s (%s), reattach %s", orDefault(m.host.Heartbeat), src, orAuto(m.host.Reattach))
	if m.compact {
		body = append(body, st.Muted.Render(fmt.Sprintf("Now: %s, reattach %s", orDefault(m.host.Heartbeat), orAuto(m.host.Reattach))))
	} else {
		// Wrapped: where the heartbeat comes from (ssh_config's options)
		// may be long, and is the point of the line.
		for _, l := range wrap(now, m.w-4) {
			body = append(body, st.Muted.Render(l))
		}
		body = append(body, "")
	}
	body = append(body, label(fieldMode, "Heartbeat")+choices(fieldMode, modes, m.mode))
	if !m.compact {
		body = append(body, st.Muted.Render("  "+fit("", lw)+modeHelp(heartbeatModes()[m.mode])))
	}
	dead := " before the link is dead"
	if m.compact {
		dead = ""
	}
	if m.usesInterval() {
		body = append(body, label(fieldInterval, "Interval")+m.interval.View())
		body = append(body, label(fieldCount, "Missed beats")+m.count.View()+st.Muted.Render(dead))
	} else {
		misses := "Missed beats"
		if m.compact {
			misses = shortLabel(misses)
		}
		body = append(body, "  "+st.Muted.Render(fit("Interval", lw)+"—"))
		body = append(body, "  "+st.Muted.Render(fit(misses, lw)+"—"))
	}
	body = append(body, label(fieldReattach, "Reattach")+choices(fieldReattach, reattachChoices(), m.reattach))
	body = append(body, label(fieldTags, "Tags")+m.tags.View())
	if len(m.host.ConfigTags) > 0 && !m.compact {
		body = append(body, st.Muted.Render("  "+fit("", lw)+ansiTruncate("also #"+strings.Join(m.host.ConfigTags, " #")+" (ssh_config)", max(m.w-lw-6, 4))))
	}
	body = append(body, label(fieldPattern, "Save for hosts")+m.pattern.View())
	if !m.compact {
		body = append(body, "")
	}
	save, cancel := st.Button.Render("[ Save ]"), st.Button.Render("[ Cancel ]")
	if m.focus == fieldSave {
		save = st.ButtonFocus.Render("[ Save ]")
	}
	if m.focus == fieldCancel {
		cancel = st.ButtonFocus.Render("[ Cancel ]")
	}
	body = append(body, "  "+save+"  "+cancel)
	if !m.compact {
		// The compact form leaves the keys to the hint bar.
		k := m.sh.keys
		body = append(body, "", st.Muted.Render("  ")+st.HintKey.Render(helpKey(k.Save))+st.Muted.Render(" save · ")+
			st.HintKey.Render(helpKey(k.Cancel))+st.Muted.Render(" cancel · enter/tab next · ←/→ choose"))
		body = append(body, st.Muted.Render("  Only changed fields are saved; others follow ssh_config."))
	}
	switch {
	case m.saving:
		body = append(body, "", st.Muted.Render("saving…"))
	case m.err != "":
		body = append(body, "")
		for _, l := range wrap("⚠ "+m.err, m.w-4) {
			body = append(body, st.Error.Render(l))
		}
	}
	if m.compact {
		return compactBox(st, "Settings · "+m.host.Alias, body, m.w)
	}
	return modalBox(st, "Settings · "+m.host.Alias, body, m.w)
}

// labelWidth is the width of the labels' column.
func (m settingsModel) labelWidth() int {
	if m.compact {
		return 10
	}
	return 18
}

// shortLabel is a field's label in the compact form.
func shortLabel(s string) string {
	switch s {
	case "Missed beats":
		return "Misses"
	case "Save for hosts":
		return "Hosts"
	}
	return s
}

func orDefault(s keepalive.Settings) string {
	if s.Mode == "" {
		return keepalive.Default().String()
	}
	return s.String()
}

func orAuto(s string) string {
	if s == "" {
		return "auto"
	}
	return s
}

// modeHelp explains a heartbeat mode in a few words.
func modeHelp(md keepalive.Mode) string {
	switch md {
	case keepalive.ModeProbe:
		return "SSH request with reply; measures RTT"
	case keepalive.ModeNoop:
		return "SSH request, no reply (like PuTTY)"
	case keepalive.ModeTCP:
		return "kernel TCP keepalive only"
	case keepalive.ModeOff:
		return "nothing at the SSH level"
	}
	return ""
}
