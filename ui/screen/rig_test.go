package screen

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/sshdash/sshdash/session/vt"
)

// watchdog fails the test with every goroutine's stack if it is still
// running after d (something blocked); the returned func disarms it.
func watchdog(t *testing.T, d time.Duration) func() {
	t.Helper()
	tm := time.AfterFunc(d, func() {
		var b bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
		panic("screen test blocked for " + d.String() + "; goroutines:\n" + b.String())
	})
	return func() { tm.Stop() }
}

// rig is a real terminal for a Screen: a PTY whose other end feeds an
// emulator (session/vt), so a test reads back what a user would see and
// which modes the terminal is in.
type rig struct {
	t        *testing.T
	ptm, tty *os.File

	// mu guards emu and raw: the reader goroutine writes them.
	mu  sync.Mutex
	emu *vt.Screen
	raw bytes.Buffer // every byte the terminal received

	readDone chan struct{}
	// modes, when set, are the DECRQM replies the terminal gives: mode
	// number → value (2: reset, i.e. supported and off).
	answers map[int]int
}

func newRig(t *testing.T, w, h int) *rig { return newRigAnswering(t, w, h, nil) }

// newRigAnswering is newRig with a terminal that answers mode queries.
func newRigAnswering(t *testing.T, w, h int, modes map[int]int) *rig {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pty: %v", err)
	}
	if err := pty.Setsize(ptm, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		t.Fatalf("size the pty: %v", err)
	}
	r := &rig{t: t, ptm: ptm, tty: tty, emu: vt.New(w, h), readDone: make(chan struct{}), answers: modes}
	go r.read()
	t.Cleanup(func() {
		tty.Close()
		ptm.Close()
		<-r.readDone
	})
	return r
}

func (r *rig) read() {
	defer close(r.readDone)
	buf := make([]byte, 32<<10)
	answered := map[int]bool{}
	for {
		n, err := r.ptm.Read(buf)
		if n > 0 {
			r.mu.Lock()
			r.raw.Write(buf[:n])
			_, _ = r.emu.Write(buf[:n])
			// A query may arrive split over two reads: look in all
			// that came so far.
			for mode, v := range r.answers {
				if !answered[mode] && bytes.Contains(r.raw.Bytes(), fmt.Appendf(nil, "\x1b[?%d$p", mode)) {
					answered[mode] = true
					_, _ = fmt.Fprintf(r.ptm, "\x1b[?%d;%d$y", mode, v)
				}
			}
			r.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// resize changes the terminal's size as a window manager would (the
// kernel's size, then SIGWINCH) and the emulator's with it.
func (r *rig) resize(w, h int) {
	r.t.Helper()
	r.mu.Lock()
	r.emu.Resize(w, h)
	r.mu.Unlock()
	if err := pty.Setsize(r.ptm, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		r.t.Fatalf("resize the pty: %v", err)
	}
	if err := unix.Kill(os.Getpid(), unix.SIGWINCH); err != nil {
		r.t.Fatalf("SIGWINCH: %v", err)
	}
}

// received is how many bytes the terminal has received so far.
func (r *rig) received() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.raw.Len()
}

// output is everything the terminal received.
func (r *rig) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.raw.String()
}

// lines are the emulated screen's rows.
func (r *rig) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.emu.Lines()
}

func (r *rig) modes() vt.Modes {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.emu.Modes()
}

func (r *rig) title() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.emu.Title()
}

// waitFor waits until ok holds for the emulated terminal, or fails with
// what it shows.
func (r *rig) waitFor(what string, ok func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			r.t.Fatalf("terminal never showed %s; screen:\n%s\nmodes: %+v", what, strings.Join(r.lines(), "\n"), r.modes())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// showsLines waits until the screen's first rows are want.
func (r *rig) showsLines(want ...string) {
	r.t.Helper()
	r.waitFor(strings.Join(want, " / "), func() bool {
		got := r.lines()
		for i, w := range want {
			if i >= len(got) || got[i] != w {
				return false
			}
		}
		return true
	})
}

// cooked reports whether the tty is in the line discipline's own mode
// (canonical input and echo on), as a shell leaves it.
func (r *rig) cooked() bool {
	r.t.Helper()
	tio, err := unix.IoctlGetTermios(int(r.tty.Fd()), getTermios)
	if err != nil {
		r.t.Fatalf("read termios: %v", err)
	}
	return tio.Lflag&unix.ICANON != 0 && tio.Lflag&unix.ECHO != 0
}

// testModel shows what the test sets; it records the sizes it was told
// and runs hand-over commands on request.
type testModel struct {
	content string
	cursor  *tea.Cursor
	mouse   tea.MouseMode
	sizes   chan tea.WindowSizeMsg // every size the model was told
	execs   chan error             // each hand-over's result
	views   int                    // how often View was called
	viewsC  chan int               // views, on request
}

type (
	setMsg   string
	noopMsg  struct{}
	execMsg  struct{ cmd tea.ExecCommand }
	execDone struct{ err error }
	viewsMsg struct{}
)

func newTestModel() *testModel {
	return &testModel{
		mouse:  tea.MouseModeCellMotion,
		sizes:  make(chan tea.WindowSizeMsg, 16),
		execs:  make(chan error, 4),
		viewsC: make(chan int, 1),
	}
}

func (m *testModel) Init() tea.Cmd { return nil }

func (m *testModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case setMsg:
		m.content = string(msg)
	case tea.WindowSizeMsg:
		m.sizes <- msg
	case execMsg:
		return m, tea.Exec(msg.cmd, func(err error) tea.Msg { return execDone{err} })
	case execDone:
		m.execs <- msg.err
	case viewsMsg:
		m.viewsC <- m.views
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m *testModel) View() tea.View {
	m.views++
	v := tea.NewView(m.content)
	v.AltScreen = true
	v.MouseMode = m.mouse
	v.WindowTitle = "screen-test"
	v.Cursor = m.cursor
	return v
}

// running is a program drawn by a Screen on a rig's terminal.
type running struct {
	r     *rig
	s     *Screen
	p     *tea.Program
	m     *testModel
	ended chan struct{} // closed when Run and then Close have returned
	// runErr and closeErr are Run's and Close's results, set before ended
	// is closed.
	runErr, closeErr error
}

func start(t *testing.T, r *rig, interval time.Duration) *running {
	t.Helper()
	m := newTestModel()
	s := New(Options{In: r.tty, Out: r.tty, Env: []string{"TERM=xterm-256color", "COLORTERM=truecolor"}, FrameInterval: interval})
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	p := tea.NewProgram(s.Wrap(m), append(s.ProgramOptions(), tea.WithoutSignalHandler())...)
	run := &running{r: r, s: s, p: p, m: m, ended: make(chan struct{})}
	go func() {
		_, run.runErr = p.Run()
		run.closeErr = s.Close()
		close(run.ended)
	}()
	t.Cleanup(func() {
		// Quit as a user would: Program.Kill does not wait for Bubble
		// Tea's input reader before closing it.
		select {
		case <-run.ended:
			return
		default:
		}
		_, _ = r.ptm.WriteString("q")
		select {
		case <-run.ended:
		case <-time.After(10 * time.Second):
			t.Error("the program did not quit on q")
			p.Kill()
			<-run.ended
		}
	})
	return run
}

// quit ends the program as a user would (a key) and returns Run's and
// Close's errors.
func (run *running) quit() (runErr, closeErr error) {
	if _, err := run.r.ptm.WriteString("q"); err != nil {
		run.r.t.Fatalf("type q: %v", err)
	}
	<-run.ended
	return run.runErr, run.closeErr
}

// viewCalls asks the model how often its View has been called.
func (run *running) viewCalls() int {
	run.p.Send(viewsMsg{})
	return <-run.m.viewsC
}
