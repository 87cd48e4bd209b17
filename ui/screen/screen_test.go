package screen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The terminal shows the view and is in the modes the view asks for; a
// message that changes nothing writes nothing; the program never draws
// on its own (no ticker); Close gives the terminal back as it was.
func TestScreenDrawsTheViewAndOnlyChanges(t *testing.T) {
	defer watchdog(t, 60*time.Second)()
	r := newRig(t, 80, 24)
	if !r.cooked() {
		t.Fatal("a fresh pty is not in canonical mode with echo; the test cannot tell")
	}
	run := start(t, r, time.Millisecond)
	if r.cooked() {
		t.Error("the terminal is not in raw mode while the program runs")
	}
	run.p.Send(setMsg("hello\nworld"))
	r.showsLines("hello", "world")
	m := r.modes()
	if !m.AltScreen || m.CursorVisible || m.MouseTracking != 1002 || m.MouseEncoding != 1006 || !m.BracketedPaste || m.KittyKeyboard != 1 || m.ModifyOtherKeys != 2 {
		t.Errorf("modes while drawing: alt %v, cursor visible %v, mouse %d/%d, bracketed paste %v, kitty keys %d, modifyOtherKeys %d; want alt, hidden, 1002/1006, paste on, 1, 2",
			m.AltScreen, m.CursorVisible, m.MouseTracking, m.MouseEncoding, m.BracketedPaste, m.KittyKeyboard, m.ModifyOtherKeys)
	}
	if got := r.title(); got != "screen-test" {
		t.Errorf("window title %q, want screen-test", got)
	}

	// Messages that leave the view as it is write nothing, and nothing
	// is written while nothing happens.
	time.Sleep(100 * time.Millisecond) // the whole frame has been read
	before := r.received()
	for range 50 {
		run.p.Send(noopMsg{})
	}
	time.Sleep(300 * time.Millisecond)
	if after := r.received(); after != before {
		t.Errorf("unchanged view and idle: %d bytes written: %q", after-before, r.output()[before:])
	}

	runErr, closeErr := run.quit()
	if runErr != nil || closeErr != nil {
		t.Fatalf("Run: %v, Close: %v", runErr, closeErr)
	}
	r.waitFor("the main screen, cursor shown, mouse, paste and key protocols off", func() bool {
		m := r.modes()
		return !m.AltScreen && m.CursorVisible && m.MouseTracking == 0 && !m.BracketedPaste && m.KittyKeyboard == 0 && m.ModifyOtherKeys == 0
	})
	if !r.cooked() {
		t.Error("after Close the terminal is still in raw mode")
	}
	if got := r.title(); got != "" {
		t.Errorf("window title after Close %q, want it cleared", got)
	}
	n := r.received()
	if err := run.s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if r.received() != n {
		t.Errorf("a second Close wrote again: %q", r.output()[n:])
	}
}

// Changes within one frame interval are drawn together once the interval
// has passed: the first is drawn at once, the one in between never.
func TestScreenPacesFrames(t *testing.T) {
	defer watchdog(t, 60*time.Second)()
	r := newRig(t, 80, 24)
	run := start(t, r, 2*time.Second)
	run.p.Send(setMsg("first-frame"))
	r.showsLines("first-frame") // the first change: at once
	run.p.Send(setMsg("second-frame"))
	run.p.Send(setMsg("third-frame"))
	time.Sleep(300 * time.Millisecond)
	if got := r.lines()[0]; got != "first-frame" {
		t.Fatalf("a change within the frame interval was drawn early: %q", got)
	}
	r.showsLines("third-frame")
	if strings.Contains(r.output(), "second-frame") {
		t.Error("a view replaced within the frame interval was drawn")
	}
	// While a frame is pending the model's View is not asked again.
	views := run.viewCalls()
	for i := range 20 {
		run.p.Send(setMsg(fmt.Sprintf("burst-%d", i)))
	}
	if got := run.viewCalls() - views; got > 2 {
		t.Errorf("20 changes within one frame interval called View %d times, want at most 2", got)
	}
	r.showsLines("burst-19")
}

// Whatever sequence of views the model goes through, the terminal ends up
// showing the last one: styled text, wide characters, lines that grow and
// shrink, blank lines.
func TestScreenEndsOnTheLastView(t *testing.T) {
	defer watchdog(t, 120*time.Second)()
	r := newRig(t, 60, 20)
	run := start(t, r, time.Millisecond)
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"host", "日本語", "up", "\x1b[1;31mdown\x1b[0m", "\x1b[38;2;10;200;30mrtt 3ms\x1b[m", "│", "⚑", "", "   "}
	var last string
	for range 300 {
		rows := make([]string, rng.IntN(20))
		for i := range rows {
			var b strings.Builder
			for range rng.IntN(6) {
				b.WriteString(words[rng.IntN(len(words))])
				b.WriteByte(' ')
			}
			rows[i] = b.String()
		}
		last = strings.Join(rows, "\n")
		run.p.Send(setMsg(last))
		if rng.IntN(10) == 0 {
			time.Sleep(2 * time.Millisecond)
		}
	}
	want := make([]string, 20)
	for i, l := range strings.Split(last, "\n") {
		if i < len(want) {
			want[i] = strings.TrimRight(ansi.Strip(l), " ")
		}
	}
	r.showsLines(want...)
}

// A hand-over (tea.Exec through Screen.Exec) gets the terminal as the user
// has it and the screen takes it back and redraws, also at a size changed
// meanwhile.
func TestScreenExecHandsTheTerminalOverAndBack(t *testing.T) {
	defer watchdog(t, 60*time.Second)()
	r := newRig(t, 80, 24)
	run := start(t, r, time.Millisecond)
	run.p.Send(setMsg("dashboard\nrow two"))
	r.showsLines("dashboard", "row two")

	var inside struct {
		cooked bool
		modes  string
	}
	cmd := &funcExec{run: func() error {
		r.waitFor("the main screen during the hand-over", func() bool { return !r.modes().AltScreen })
		m := r.modes()
		inside.cooked = r.cooked()
		inside.modes = fmt.Sprintf("cursor %v mouse %d paste %v keys %d/%d", m.CursorVisible, m.MouseTracking, m.BracketedPaste, m.KittyKeyboard, m.ModifyOtherKeys)
		if _, err := r.tty.WriteString("attached output\r\n"); err != nil {
			return err
		}
		r.resize(70, 20) // the user resizes the window while attached
		return nil
	}}
	run.p.Send(execMsg{cmd: run.s.Exec(cmd)})
	if err := <-run.m.execs; err != nil {
		t.Fatalf("hand-over: %v", err)
	}
	if !inside.cooked {
		t.Error("during the hand-over the terminal was still in raw mode")
	}
	if inside.modes != "cursor true mouse 0 paste false keys 0/0" {
		t.Errorf("during the hand-over: %s; want the cursor shown, mouse, paste and key protocols off", inside.modes)
	}
	r.showsLines("dashboard", "row two")
	m := r.modes()
	if !m.AltScreen || m.CursorVisible || m.MouseTracking != 1002 || !m.BracketedPaste || m.KittyKeyboard != 1 || m.ModifyOtherKeys != 2 {
		t.Errorf("after the hand-over: %+v; want the dashboard's modes back", m)
	}
	if r.cooked() {
		t.Error("after the hand-over the terminal is not in raw mode")
	}
	waitSize(t, run.m, 70, 20)
}

// A window resize reaches the model and the screen is drawn whole at the
// new size.
func TestScreenFollowsResize(t *testing.T) {
	defer watchdog(t, 60*time.Second)()
	r := newRig(t, 80, 24)
	run := start(t, r, time.Millisecond)
	waitSize(t, run.m, 80, 24)
	run.p.Send(setMsg("top\nsecond"))
	r.showsLines("top", "second")
	r.resize(100, 30)
	waitSize(t, run.m, 100, 30)
	run.p.Send(setMsg("top\nsecond\n" + strings.Repeat("x", 100)))
	r.showsLines("top", "second", strings.Repeat("x", 100))
}

// waitSize waits until the model has been told w×h.
func waitSize(t *testing.T, m *testModel, w, h int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	var seen []tea.WindowSizeMsg
	for {
		select {
		case s := <-m.sizes:
			if s.Width == w && s.Height == h {
				return
			}
			seen = append(seen, s)
		case <-deadline:
			t.Fatalf("the model was never told %d×%d (told %v)", w, h, seen)
		}
	}
}

// funcExec is a tea.ExecCommand running a function.
type funcExec struct{ run func() error }

func (f *funcExec) Run() error { return f.run() }

// SetStdin, SetStdout and SetStderr implement tea.ExecCommand.
func (f *funcExec) SetStdin(io.Reader)  {}
func (f *funcExec) SetStdout(io.Writer) {}
func (f *funcExec) SetStderr(io.Writer) {}

// A terminal that says it has synchronized output gets every frame inside
// 2026 on/off; one that measures grapheme clusters gets 2027 while the
// screen draws, and not after Close. A terminal that does not answer gets
// neither.
func TestScreenUsesTheModesTheTerminalHas(t *testing.T) {
	defer watchdog(t, 60*time.Second)()
	r := newRigAnswering(t, 80, 24, map[int]int{2026: 2, 2027: 2})
	run := start(t, r, time.Millisecond)
	r.waitFor("unicode core on", func() bool { return strings.Contains(r.output(), ansi.SetModeUnicodeCore) })
	// The two replies arrive in either order, each as a message of its
	// own: draw until a frame shows the screen has taken both.
	for i := 0; !strings.Contains(r.output(), ansi.SetModeSynchronizedOutput); i++ {
		if i == 500 {
			t.Fatalf("no frame in synchronized output after the terminal said it has it: %q", r.output())
		}
		run.p.Send(setMsg(fmt.Sprintf("probe %d", i)))
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the last probe's frame is written
	n := r.received()
	run.p.Send(setMsg("synced 👋 frame"))
	r.showsLines("synced 👋 frame")
	r.waitFor("the frame's end", func() bool { return strings.HasSuffix(r.output(), ansi.ResetModeSynchronizedOutput) })
	frame := r.output()[n:]
	if !strings.HasPrefix(frame, ansi.SetModeSynchronizedOutput) || !strings.HasSuffix(frame, ansi.ResetModeSynchronizedOutput) {
		t.Errorf("frame not inside synchronized output: %q", frame)
	}
	if _, err := run.quit(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r.waitFor("the main screen", func() bool { return !r.modes().AltScreen })
	out := r.output()
	if strings.LastIndex(out, ansi.ResetModeUnicodeCore) < strings.LastIndex(out, ansi.SetModeUnicodeCore) {
		t.Error("unicode core left on after Close")
	}

	r2 := newRig(t, 80, 24) // answers nothing
	run2 := start(t, r2, time.Millisecond)
	run2.p.Send(setMsg("plain frame"))
	r2.showsLines("plain frame")
	if out := r2.output(); strings.Contains(out, ansi.SetModeSynchronizedOutput) || strings.Contains(out, ansi.SetModeUnicodeCore) {
		t.Errorf("modes used on a terminal that did not say it has them: %q", out)
	}
}

// A screen that never started, or whose Start failed half-way (the input
// is not a terminal), leaves the terminal alone on Close: nothing written
// (leaving an alternate screen never entered would move the cursor), the
// mode untouched.
func TestScreenCloseWithoutStartWritesNothing(t *testing.T) {
	r := newRig(t, 80, 24)
	if err := New(Options{In: r.tty, Out: r.tty}).Close(); err != nil {
		t.Fatalf("Close without Start: %v", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	s := New(Options{In: pr, Out: r.tty})
	if err := s.Start(); err == nil {
		t.Fatal("Start with a pipe for input did not fail")
	} else if !strings.Contains(err.Error(), "raw mode") {
		t.Errorf("Start's error does not say what failed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close after a failed Start: %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if r.received() != 0 {
		t.Errorf("the terminal received %q", r.output())
	}
	if !r.cooked() {
		t.Error("the terminal's mode changed")
	}
}
