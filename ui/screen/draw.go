package screen

import (
	"bytes"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// drawer turns a view's content into the terminal update from the last
// frame: ultraviolet's cell buffer holds the new frame, its
// TerminalRenderer diffs it against what the terminal shows.
type drawer struct {
	r   *uv.TerminalRenderer
	out bytes.Buffer // the renderer writes here; one terminal write per frame
	sb  uv.ScreenBuffer
}

func newDrawer(env []string, p colorprofile.Profile, w, h int) *drawer {
	d := &drawer{}
	d.r = uv.NewTerminalRenderer(&d.out, env)
	d.r.SetColorProfile(p)
	d.r.SetScrollOptim(true)
	d.r.SetTabStops(-1) // raw mode: no assumptions about tab stops
	d.r.SetMapNewline(false)
	d.sb = uv.NewScreenBuffer(w, h)
	d.r.Resize(w, h)
	return d
}

// enterAlt tells the renderer the terminal is on a fresh alternate screen:
// absolute moves, and a full repaint next.
func (d *drawer) enterAlt() {
	d.r.SetFullscreen(true)
	d.r.SetRelativeCursor(false)
	d.r.SetPosition(-1, -1)
	d.r.Erase()
}

// setGrapheme measures widths by grapheme cluster, as the terminal said
// it does; the next frame is drawn whole.
func (d *drawer) setGrapheme() {
	d.sb.Method = ansi.GraphemeWidth
	d.r.SetGraphemeWidth(true)
	d.r.Erase()
}

// resize sizes the frame to the terminal and repaints it whole next.
func (d *drawer) resize(w, h int) {
	d.sb.Resize(w, h)
	d.r.Resize(w, h)
	d.r.Erase()
}

// frame renders content (and moves the cursor to cur, if any) and returns
// the bytes to write; they are valid until the next call.
func (d *drawer) frame(content string, cur *tea.Cursor) []byte {
	d.out.Reset()
	uv.NewStyledString(content).Draw(d.sb, d.sb.Bounds())
	d.r.Render(d.sb.RenderBuffer)
	if cur != nil {
		d.r.MoveTo(cur.X, cur.Y)
	}
	_ = d.r.Flush() // into d.out: cannot fail
	return d.out.Bytes()
}

// mouseSeq is what switches the terminal's mouse reporting from one mode
// to another ("" when they are the same).
func mouseSeq(from, to tea.MouseMode) string {
	if from == to {
		return ""
	}
	var b strings.Builder
	switch from {
	case tea.MouseModeCellMotion:
		b.WriteString(ansi.ResetModeMouseButtonEvent)
	case tea.MouseModeAllMotion:
		b.WriteString(ansi.ResetModeMouseAnyEvent)
	}
	switch to {
	case tea.MouseModeNone:
		b.WriteString(ansi.ResetModeMouseExtSgr)
	case tea.MouseModeCellMotion:
		b.WriteString(ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr)
	case tea.MouseModeAllMotion:
		b.WriteString(ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr)
	}
	return b.String()
}
