package screen

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// DefaultFrameInterval is the least time between two frames when
// Options.FrameInterval is zero: 60 frames a second at most while the view
// keeps changing.
const DefaultFrameInterval = time.Second / 60

// Options configure a Screen. In and Out are required.
type Options struct {
	// In is the terminal the program reads keys from (put in raw mode);
	// Out the one it draws on. Usually the same file.
	In, Out *os.File
	// Env is the environment used for TERM and the colour profile
	// (NO_COLOR, COLORTERM); nil means os.Environ().
	Env []string
	// FrameInterval is the least time between two frames; zero means
	// DefaultFrameInterval.
	FrameInterval time.Duration
	// Now is the clock frames are paced by; nil means time.Now.
	Now func() time.Time
	// Logger receives terminal write errors; nil discards.
	Logger *slog.Logger
}

// Screen draws a program's view on a terminal and owns the terminal's
// modes while the program runs. See the package documentation for which
// goroutine may call what.
type Screen struct {
	in, out  *os.File
	env      []string
	interval time.Duration
	now      func() time.Time
	log      *slog.Logger

	// Event-loop state: touched only by Start, the wrapper's Update,
	// Exec's hand-over and Close, which never run at the same time.
	cooked    *term.State // the terminal's state before Start, restored by Close and Exec
	profile   colorprofile.Profile
	w, h      int // the frame's size
	d         *drawer
	last      tea.View // the last view drawn
	drawn     bool     // last is on the terminal
	lastDraw  time.Time
	pending   bool // a frame message is on its way
	suspended bool // not drawing: before Start, handed over (Exec), given back (Close)
	mouse     tea.MouseMode
	sync      bool // the terminal has synchronized output (mode 2026)
	grapheme  bool // the terminal measures grapheme clusters (mode 2027), on while drawing
	title     string
	wrapper   *Model // the program's model, drawn again after a hand-over

	winch chan os.Signal
	done  chan struct{} // closed by Close: ends waitResize commands

	// mu guards closed and firstErr: Close may be called from a deferred
	// call after a panic on another goroutine.
	mu       sync.Mutex
	closed   bool
	firstErr error
}

// New returns a Screen for the terminal in opts; Start takes the terminal.
func New(opts Options) *Screen {
	s := &Screen{
		in: opts.In, out: opts.Out, env: opts.Env,
		interval: opts.FrameInterval, now: opts.Now, log: opts.Logger,
		done:      make(chan struct{}),
		suspended: true,
	}
	if s.env == nil {
		s.env = os.Environ()
	}
	if s.interval <= 0 {
		s.interval = DefaultFrameInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s
}

// ProgramOptions are the tea.Program options a program drawn by this
// Screen needs: no Bubble Tea renderer, its input and output, and the
// window size and colour profile read by Start (call it after Start). Bubble Tea still runs its frame ticker to
// write queued commands' output; once a second is plenty for that.
func (s *Screen) ProgramOptions() []tea.ProgramOption {
	return []tea.ProgramOption{
		tea.WithoutRenderer(),
		tea.WithFPS(1),
		tea.WithInput(s.in),
		tea.WithOutput(s.out),
		tea.WithWindowSize(s.w, s.h),
		tea.WithColorProfile(s.profile),
		tea.WithEnvironment(s.env),
	}
}

// Start puts the terminal in raw mode, switches to the alternate screen,
// hides the cursor and reads the window size. Call it before creating the
// program (ProgramOptions carries the size) and Close after Program.Run.
func (s *Screen) Start() error {
	w, h, err := term.GetSize(int(s.out.Fd()))
	if err != nil {
		return fmt.Errorf("screen: read the terminal size of %s: %w", s.out.Name(), err)
	}
	s.w, s.h = w, h
	s.profile = colorprofile.Detect(s.out, s.env)
	s.d = newDrawer(s.env, s.profile, w, h)
	if err := s.takeTerminal(); err != nil {
		return err
	}
	if askModes(s.env) {
		// Does the terminal have synchronized output (frames appear
		// whole) and grapheme-cluster widths? The replies arrive as
		// tea.ModeReportMsg.
		s.write(ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore)
	}
	s.winch = make(chan os.Signal, 1)
	signal.Notify(s.winch, syscall.SIGWINCH)
	return nil
}

// takeTerminal enters raw mode and the modes the screen draws in.
func (s *Screen) takeTerminal() error {
	st, err := term.MakeRaw(int(s.in.Fd()))
	if err != nil {
		return fmt.Errorf("screen: raw mode on %s: %w", s.in.Name(), err)
	}
	s.cooked = st
	s.suspended = false
	s.drawn = false
	s.mouse, s.title = tea.MouseModeNone, ""
	s.d.enterAlt()
	seq := ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste +
		// Keys as Bubble Tea's renderer asks for them: xterm's
		// modifyOtherKeys and the kitty protocol's disambiguation (ctrl+i
		// apart from tab, a lone esc at once) where the terminal has them.
		ansi.SetModifyOtherKeys2 + ansi.PushKittyKeyboard(1)
	if s.grapheme {
		seq += ansi.SetModeUnicodeCore
	}
	s.write(seq)
	return nil
}

// giveTerminal leaves the screen's modes and the alternate screen (the
// cursor goes back where the shell's output ended) and restores the
// terminal's own state. It does nothing while the screen is not drawing.
func (s *Screen) giveTerminal() error {
	if s.suspended {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(mouseSeq(s.mouse, tea.MouseModeNone))
	if s.title != "" {
		b.WriteString(ansi.SetWindowTitle(""))
	}
	b.WriteString(ansi.ResetModifyOtherKeys + ansi.PopKittyKeyboard(1))
	if s.grapheme {
		b.WriteString(ansi.ResetModeUnicodeCore)
	}
	b.WriteString(ansi.ResetModeBracketedPaste + ansi.SetModeTextCursorEnable + ansi.ResetModeAltScreenSaveCursor)
	s.write(b.String())
	s.mouse, s.title = tea.MouseModeNone, ""
	s.suspended = true
	if s.cooked == nil {
		return nil
	}
	err := term.Restore(int(s.in.Fd()), s.cooked)
	s.cooked = nil
	if err != nil {
		return fmt.Errorf("screen: restore the terminal state of %s: %w", s.in.Name(), err)
	}
	return nil
}

// WriteRaw writes seq to the terminal between frames (a bell, a desktop
// notification). Call it from the program's event loop (an Update).
func (s *Screen) WriteRaw(seq string) {
	if s.suspended || seq == "" {
		return
	}
	s.write(seq)
}

// write writes b to the terminal in one call; errors are logged (a
// terminal that went away ends the program through its input instead).
func (s *Screen) write(b string) {
	if _, err := s.out.WriteString(b); err != nil {
		s.log.Debug("screen write failed", "err", err)
	}
}

// Close gives the terminal back: mouse reporting and bracketed paste off,
// the cursor shown, the main screen, the terminal's own mode. It is
// idempotent and returns the first error.
func (s *Screen) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.firstErr
	}
	s.closed = true
	close(s.done)
	if s.winch != nil {
		signal.Stop(s.winch)
	}
	s.firstErr = s.giveTerminal()
	return s.firstErr
}

// Exec wraps a tea.Exec command so that it gets the terminal as the user
// had it (main screen, cursor shown, the terminal's own mode) and the
// screen takes it back, and redraws, when the command returns.
func (s *Screen) Exec(c tea.ExecCommand) tea.ExecCommand {
	return &handOver{ExecCommand: c, s: s}
}

// handOver is an ExecCommand run between giving the terminal away and
// taking it back.
type handOver struct {
	tea.ExecCommand
	s *Screen
}

// Run implements tea.ExecCommand.
func (h *handOver) Run() error {
	if err := h.s.giveTerminal(); err != nil {
		return err
	}
	runErr := h.ExecCommand.Run()
	if err := h.s.resume(); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

// resume takes the terminal back after a hand-over and redraws at once
// (in the size it has now: it may have been resized meanwhile).
func (s *Screen) resume() error {
	if err := s.takeTerminal(); err != nil {
		return err
	}
	if w, h, err := term.GetSize(int(s.out.Fd())); err == nil && (w != s.w || h != s.h) {
		s.resize(w, h)
		select {
		case s.winch <- syscall.SIGWINCH: // the model learns the size too
		default:
		}
	}
	if s.wrapper != nil {
		s.draw(s.wrapper.inner.View())
	}
	return nil
}

// askModes reports whether to ask the terminal about modes 2026 and 2027.
// Over ssh (SSH_TTY) the reply may come too late to be told from typed
// keys, and Apple's Terminal prints the query; others ignore what they do
// not know.
func askModes(env []string) bool {
	var term, prog string
	var ssh, wt bool
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "TERM":
			term = v
		case "TERM_PROGRAM":
			prog = v
		case "SSH_TTY":
			ssh = true
		case "WT_SESSION":
			wt = true
		}
	}
	for _, t := range []string{"ghostty", "wezterm", "alacritty", "kitty", "rio"} {
		if strings.Contains(term, t) {
			return true
		}
	}
	return wt || (!ssh && !strings.Contains(prog, "Apple"))
}
