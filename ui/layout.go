package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshdash/sshdash/themes"
)

// rect is a region of the screen, in cells.
type rect struct{ x, y, w, h int }

func (r rect) contains(x, y int) bool {
	return r.w > 0 && r.h > 0 && x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h
}

func (r rect) empty() bool { return r.w <= 0 || r.h <= 0 }

// wideWidth is the terminal width from which hosts and sessions are shown
// side by side; below it one pane is shown at a time (Tab switches).
const wideWidth = 120

// geometry is where everything goes on a screen of a given size.
type geometry struct {
	wide     bool
	tabs     rect
	hosts    rect // empty when hidden
	sessions rect // empty when hidden
	preview  rect // empty when hidden
	body     rect // everything between the tab bar and the status line
	status   rect
	hint     rect
}

// layout computes the geometry for a w×h screen. focus is the focused pane
// (in narrow layouts only that pane is shown); nSessions sizes the table.
func layout(w, h int, focus pane, nSessions int) geometry {
	g := geometry{wide: w >= wideWidth}
	g.tabs = rect{0, 0, w, 1}
	bodyH := max(h-3, 0)
	g.body = rect{0, 1, w, bodyH}
	g.status = rect{0, 1 + bodyH, w, 1}
	g.hint = rect{0, 2 + bodyH, w, 1}

	right := g.body
	if g.wide {
		hw := clamp(w*9/20, 40, 72)
		g.hosts = rect{0, 1, hw, bodyH}
		right = rect{hw, 1, w - hw, bodyH}
	} else if focus == paneHosts {
		g.hosts = g.body
		return g
	}
	// Sessions table on top, preview below when there is room for both.
	tableH := clamp(nSessions+3, 6, right.h/2)
	if right.h < 14 {
		tableH = right.h
	}
	g.sessions = rect{right.x, right.y, right.w, tableH}
	if right.h-tableH >= 5 {
		g.preview = rect{right.x, right.y + tableH, right.w, right.h - tableH}
	}
	return g
}

// frame is the precomputed border pieces of one pane style.
type frame struct {
	v          string // styled vertical bar
	tl, tr     string
	bl, br     string
	horizontal lipgloss.Style
	title      lipgloss.Style
}

func newFrame(border, title lipgloss.Style) frame {
	return frame{
		v:  border.Render("│"),
		tl: border.Render("╭"), tr: border.Render("╮"),
		bl: border.Render("╰"), br: border.Render("╯"),
		horizontal: border,
		title:      title,
	}
}

// box renders lines inside a rounded border of exactly w×h cells, with
// title set into the top border. Lines are truncated or padded to fit.
func (f frame) box(title string, lines []string, w, h int) []string {
	if w < 2 || h < 2 {
		return blank(w, h)
	}
	out := make([]string, 0, h)
	inner := w - 2
	top := ""
	if title != "" && inner > 4 {
		t := ansi.Truncate(" "+title+" ", inner-2, "… ")
		top = f.horizontal.Render("─") + f.title.Render(t) + f.horizontal.Render(strings.Repeat("─", max(inner-1-ansi.StringWidth(t), 0)))
	} else {
		top = f.horizontal.Render(strings.Repeat("─", inner))
	}
	out = append(out, f.tl+top+f.tr)
	for i := 0; i < h-2; i++ {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		out = append(out, f.v+fit(l, inner)+"\x1b[m"+f.v)
	}
	out = append(out, f.bl+f.horizontal.Render(strings.Repeat("─", inner))+f.br)
	return out
}

// blank is h lines of w spaces.
func blank(w, h int) []string {
	out := make([]string, max(h, 0))
	sp := strings.Repeat(" ", max(w, 0))
	for i := range out {
		out[i] = sp
	}
	return out
}

// joinColumns joins two blocks of lines side by side; every line of left
// must already have the same width.
func joinColumns(left, right []string) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = l + r
	}
	return out
}

// overlay draws the modal block centred over base (a full screen of lines).
func overlay(base []string, modal []string, w, h int) string {
	mw := 0
	for _, l := range modal {
		mw = max(mw, ansi.StringWidth(l))
	}
	x := max((w-mw)/2, 0)
	y := max((h-len(modal))/2, 0)
	c := lipgloss.NewCompositor(
		lipgloss.NewLayer(strings.Join(base, "\n")),
		lipgloss.NewLayer(strings.Join(modal, "\n")).X(x).Y(y).Z(1),
	)
	// The canvas drops trailing blanks; pad every line back to the width.
	out := strings.Split(c.Render(), "\n")
	for len(out) < len(base) {
		out = append(out, "")
	}
	for i, l := range out {
		out[i] = fit(l, w)
	}
	return strings.Join(out, "\n")
}

// modalBox renders a dialog: a rounded border in the modal style around
// body lines with one cell of padding, width w (including the border).
func modalBox(st *themes.Styles, title string, body []string, w int) []string {
	f := newFrame(st.Modal, st.ModalTitle)
	lines := make([]string, 0, len(body)+2)
	lines = append(lines, "")
	for _, l := range body {
		lines = append(lines, " "+l)
	}
	lines = append(lines, "")
	return f.box(title, lines, w, len(lines)+2)
}

// compactBox is modalBox without the blank lines above and below the body,
// for dialogs on small screens.
func compactBox(st *themes.Styles, title string, body []string, w int) []string {
	f := newFrame(st.Modal, st.ModalTitle)
	lines := make([]string, 0, len(body))
	for _, l := range body {
		lines = append(lines, " "+l)
	}
	return f.box(title, lines, w, len(lines)+2)
}

// wrap word-wraps plain or styled text to width w and returns its lines.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, " -"), "\n")
}
