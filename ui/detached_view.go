// Rendering the detached sessions: the host row's marker and the list
// dialog.

package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/sshdash/sshdash/session"
)

// detachedMark is a host row's marker: "2 detached" once the host is known
// to have resumable sessions, else "".
func detachedMark(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%d detached", n)
}

// detachedView renders the list dialog for a w×h screen.
func (m Model) detachedView() []string {
	st := &m.sh.st
	d := &m.det
	h := d.host(d.alias)
	w := clamp(m.w-8, 40, 96)
	inner := w - 4
	var body []string
	switch {
	case h.loading && len(h.list) == 0:
		body = append(body, st.Muted.Render("Looking for sshdash's sessions on "+d.alias+"…"))
	case h.err != nil:
		body = append(body, wrap(st.Error.Render("Could not list the sessions on "+d.alias+": ")+h.err.Error(), inner)...)
		body = append(body, "", st.Muted.Render("r tries again; opening a session to "+d.alias+" lists them too."))
	case len(h.list) == 0:
		body = append(body, "No detached sshdash sessions on "+d.alias+".")
	default:
		now := m.sh.now()
		header := fmt.Sprintf("  %-15s %-6s %-9s %-11s %s", "NAME", "KIND", "AGE", "LAST USED", "COMMAND")
		body = append(body, st.Header.Render(fit(header, inner)))
		rows := max(m.h-14, 3)
		off := max(0, min(d.cursor-rows+1, len(h.list)-rows))
		for i := off; i < len(h.list) && i < off+rows; i++ {
			line := detachedRow(h.list[i], now)
			if i == d.cursor {
				body = append(body, st.Selected.Render(fit("▸ "+line, inner)))
			} else {
				body = append(body, fit("  "+line, inner))
			}
		}
		if len(h.list) > rows {
			body = append(body, st.Muted.Render(fmt.Sprintf("%d–%d of %d", off+1, min(off+rows, len(h.list)), len(h.list))))
		}
		if h.loading {
			body = append(body, st.Muted.Render("refreshing…"))
		}
	}
	if d.note != "" {
		body = append(body, "")
		body = append(body, wrap(st.Error.Render(d.note), inner)...)
	}
	body = append(body, "", st.Muted.Render("enter resume · x close on the server · r refresh · esc back"))
	return modalBox(st, "Detached sessions on "+d.alias, body, w)
}

// detachedRow is one session of the list: name, kind, age, last used, the
// program in it and, when another machine opened it, which.
func detachedRow(r session.RemoteSession, now time.Time) string {
	age, last := "-", "-"
	if !r.Created.IsZero() {
		age = since(now.Sub(r.Created))
	}
	if !r.LastAttached.IsZero() {
		last = since(now.Sub(r.LastAttached)) + " ago"
	}
	cmd := r.Command
	if r.Ended {
		cmd = "(ended)"
	}
	if cmd == "" {
		cmd = "-"
	}
	cmd = inert(cmd)
	if !r.Mine && r.Client != "" {
		cmd += " · from " + inert(r.Client)
	}
	return strings.TrimRight(fmt.Sprintf("%-15s %-6s %-9s %-11s %s", inert(r.Name), inert(r.Kind), age, last, cmd), " ")
}

// inert makes text the server reported (names, commands, user@machine)
// safe to draw: one line, control characters shown as octal escapes
// (session.VisBanner), so it cannot move the cursor or change colours.
func inert(s string) string {
	return oneLine(session.VisBanner(s))
}
