package screen

import (
	"bytes"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// Model wraps the program's model: it passes every message on, then draws
// the wrapped model's view when it changed. Its own View is empty (Bubble
// Tea's renderer is off).
type Model struct {
	s     *Screen
	inner tea.Model
}

// Wrap returns the model to give tea.NewProgram in place of m.
func (s *Screen) Wrap(m tea.Model) *Model {
	w := &Model{s: s, inner: m}
	s.wrapper = w
	return w
}

// Inner is the wrapped model as its last Update returned it.
func (w *Model) Inner() tea.Model { return w.inner }

// Message types of the wrapper; the wrapped model never sees them.
type (
	// frameMsg: the frame interval has passed, draw what changed.
	frameMsg struct{}
	// winchMsg: a SIGWINCH came, and the terminal's size is now w×h
	// (ok false: the size could not be read).
	winchMsg struct {
		w, h int
		ok   bool
	}
)

// Init implements tea.Model.
func (w *Model) Init() tea.Cmd {
	return tea.Batch(w.inner.Init(), w.s.waitResize())
}

// Update implements tea.Model.
func (w *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	s := w.s
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case frameMsg:
		s.pending = false
	case winchMsg:
		// The model is told the size even when the frame already has it:
		// a hand-over's resume sizes the frame without telling it.
		cmd = s.waitResize()
		if msg.ok {
			cmd = tea.Batch(cmd, w.size(tea.WindowSizeMsg{Width: msg.w, Height: msg.h}))
		}
	case tea.ModeReportMsg:
		s.modeReport(msg)
		w.inner, cmd = w.inner.Update(msg)
	case tea.WindowSizeMsg:
		cmd = w.size(msg)
	default:
		w.inner, cmd = w.inner.Update(msg)
	}
	if c := s.afterUpdate(w.inner); c != nil {
		return w, tea.Batch(cmd, c)
	}
	return w, cmd
}

// size sizes the frame to msg's size (drawn whole next if it changed) and
// tells the wrapped model.
func (w *Model) size(msg tea.WindowSizeMsg) tea.Cmd {
	if msg.Width != w.s.w || msg.Height != w.s.h {
		w.s.resize(msg.Width, msg.Height)
	}
	var cmd tea.Cmd
	w.inner, cmd = w.inner.Update(msg)
	return cmd
}

// View implements tea.Model: empty, the Screen draws the wrapped view.
func (w *Model) View() tea.View { return tea.View{} }

// afterUpdate draws m's view if it changed: now, when the last frame is a
// frame interval old, or else when that interval has passed (the returned
// command). While a frame is pending nothing is drawn or asked of m.
func (s *Screen) afterUpdate(m tea.Model) tea.Cmd {
	if s.suspended || s.pending || s.d == nil {
		return nil
	}
	v := m.View()
	if s.drawn && sameView(&v, &s.last) {
		return nil
	}
	if wait := s.lastDraw.Add(s.interval).Sub(s.now()); s.drawn && wait > 0 {
		s.pending = true
		return tea.Tick(wait, func(time.Time) tea.Msg { return frameMsg{} })
	}
	s.draw(v)
	return nil
}

// sameView reports whether drawing b over a would change nothing.
func sameView(a, b *tea.View) bool {
	if a.Content != b.Content || a.MouseMode != b.MouseMode || a.WindowTitle != b.WindowTitle {
		return false
	}
	if (a.Cursor == nil) != (b.Cursor == nil) {
		return false
	}
	return a.Cursor == nil || a.Cursor.Position == b.Cursor.Position
}

// draw writes the update from the terminal's frame to v, in one write.
func (s *Screen) draw(v tea.View) {
	var b bytes.Buffer
	b.WriteString(mouseSeq(s.mouse, v.MouseMode))
	s.mouse = v.MouseMode
	if v.WindowTitle != s.title {
		b.WriteString(ansi.SetWindowTitle(v.WindowTitle))
		s.title = v.WindowTitle
	}
	cursorWas := s.drawn && s.last.Cursor != nil
	if cursorWas {
		b.WriteString(ansi.ResetModeTextCursorEnable) // no cursor flying over the update
	}
	frame := s.d.frame(v.Content, v.Cursor)
	if s.sync && len(frame) > 0 {
		b.WriteString(ansi.SetModeSynchronizedOutput)
	}
	b.Write(frame)
	if v.Cursor != nil {
		b.WriteString(ansi.SetModeTextCursorEnable)
	}
	if s.sync && len(frame) > 0 {
		b.WriteString(ansi.ResetModeSynchronizedOutput)
	}
	s.write(b.String())
	s.last, s.drawn, s.lastDraw = v, true, s.now()
}

// modeReport takes the terminal's answer to the mode queries Start sent.
func (s *Screen) modeReport(msg tea.ModeReportMsg) {
	switch msg.Mode {
	case ansi.ModeSynchronizedOutput:
		s.sync = msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet
	case ansi.ModeUnicodeCore:
		if s.grapheme || s.suspended || s.d == nil {
			return
		}
		if msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet {
			s.grapheme = true
			s.d.setGrapheme()
			s.write(ansi.SetModeUnicodeCore)
			s.drawn = false // measured again, drawn whole
		}
	}
}

// resize sizes the frame to w×h; the next draw repaints the whole screen.
func (s *Screen) resize(w, h int) {
	s.w, s.h = w, h
	s.d.resize(w, h)
	s.drawn = false
}

// waitResize is a command that returns the terminal's size after the next
// SIGWINCH, or nil once the screen is closed.
func (s *Screen) waitResize() tea.Cmd {
	winch, done, out := s.winch, s.done, s.out
	if winch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-done:
			return nil
		case <-winch:
		}
		w, h, err := term.GetSize(int(out.Fd()))
		return winchMsg{w: w, h: h, ok: err == nil}
	}
}
