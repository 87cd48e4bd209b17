package attach

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/session"
)

// fakeSession records what attaching does to it.
type fakeSession struct {
	mu         sync.Mutex // guards all fields below
	state      session.State
	reattach   string
	written    bytes.Buffer
	sizes      [][2]int
	attaches   int
	reconnects int
	leaves     int
	done       chan struct{}
}

func newFake() *fakeSession { return &fakeSession{state: session.Up, done: make(chan struct{})} }

func (f *fakeSession) ID() int { return 1 }
func (f *fakeSession) Status() session.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return session.Status{ID: 1, Alias: "web1", State: f.state, Reattach: f.reattach, NextAttempt: time.Now().Add(3 * time.Second)}
}
func (f *fakeSession) Attach(w io.Writer) func() {
	f.mu.Lock()
	f.attaches++
	f.mu.Unlock()
	io.WriteString(w, "SCREEN-REDRAW")
	return func() {}
}

// fakeLeave is what the fake's Leave returns: a stand-in for the
// emulator's reset sequence.
const fakeLeave = "\x18FAKE-LEAVE\x1b[5;3H"

func (f *fakeSession) Leave(io.Writer, bool) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.leaves++
	return []byte(fakeLeave)
}
func (f *fakeSession) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state != session.Up {
		return 0, session.ErrLinkDown
	}
	return f.written.Write(p)
}
func (f *fakeSession) Resize(c, r int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sizes = append(f.sizes, [2]int{c, r})
}
func (f *fakeSession) Reconnect() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reconnects++
}
func (f *fakeSession) Done() <-chan struct{} { return f.done }

func (f *fakeSession) setState(s session.State) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = s
}

func (f *fakeSession) snapshot() (string, int, int, [][2]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written.String(), f.attaches, f.reconnects, append([][2]int(nil), f.sizes...)
}

// terminal is a real PTY pair standing in for the user's terminal.
type terminal struct {
	master, tty *os.File
	mu          sync.Mutex // guards screen
	screen      bytes.Buffer
}

func newTerminal(t *testing.T) *terminal {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(tty, &pty.Winsize{Cols: 100, Rows: 30}); err != nil {
		t.Fatal(err)
	}
	term := &terminal{master: master, tty: tty}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.screen.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { tty.Close(); master.Close() })
	return term
}

func (tm *terminal) output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.screen.String()
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runAttach runs Run(s, o) on tm's terminal on a goroutine of its own and
// waits for the session's screen to be redrawn; the returned channel gets
// its result (an error fails the test).
func runAttach(t *testing.T, s Session, tm *terminal, o Options) chan Result {
	t.Helper()
	o.In, o.Out = tm.tty, tm.tty
	res := make(chan Result, 1)
	go func() {
		r, err := Run(context.Background(), s, o)
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		res <- r
	}()
	eventually(t, "redraw", func() bool { return strings.Contains(tm.output(), "SCREEN-REDRAW") })
	return res
}

// waitResult waits (5 s at most) for the attach's result.
func waitResult(t *testing.T, res <-chan Result, what string) Result {
	t.Helper()
	select {
	case r := <-res:
		return r
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not end the attach", what)
		return Result{}
	}
}

func TestRunForwardsKeysAndDetaches(t *testing.T) {
	f, tm := newFake(), newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1"})
	tm.master.Write([]byte("ls -l\r\x1e\x1e"))
	eventually(t, "keys forwarded", func() bool { w, _, _, _ := f.snapshot(); return w == "ls -l\r\x1e" })
	tm.master.Write([]byte("\x1er"))
	eventually(t, "reconnect", func() bool { _, _, r, _ := f.snapshot(); return r == 1 })
	tm.master.Write([]byte("\x1ed"))
	if r := waitResult(t, res, "detach"); r.Action != Detached {
		t.Fatalf("action = %v, want Detached", r.Action)
	}
	_, _, _, sizes := f.snapshot()
	if len(sizes) == 0 || sizes[0] != [2]int{100, 30} {
		t.Errorf("remote sizes %v, want first 100x30", sizes)
	}
	// Run has written the reset; the terminal's reader may still be on
	// its way to it.
	eventually(t, "terminal handed back on detach", func() bool { return strings.HasSuffix(tm.output(), fakeLeave) })
}

func TestRunStatusBarShrinksRemote(t *testing.T) {
	f, tm := newFake(), newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1", StatusBar: true})
	tm.master.Write([]byte("\x1e3"))
	r := <-res
	if r.Action != Jump || r.N != 3 {
		t.Fatalf("result %+v, want Jump 3", r)
	}
	_, _, _, sizes := f.snapshot()
	if sizes[0] != [2]int{100, 29} {
		t.Errorf("remote size %v, want 100x29 with the status bar", sizes[0])
	}
	// On the way out: the session's leave sequence, then the status bar's
	// scroll region reset and its line erased, the cursor kept.
	want := fakeLeave + "\x1b7\x1b[r\x1b[30;1H\x1b[2K\x1b8"
	eventually(t, "the status bar's leftovers cleared", func() bool { return strings.HasSuffix(tm.output(), want) })
}

func TestRunLinkDownBannerAndRedraw(t *testing.T) {
	f, tm := newFake(), newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1"})
	f.setState(session.Reconnecting)
	tm.master.Write([]byte("x"))
	eventually(t, "banner", func() bool {
		out := tm.output()
		return strings.Contains(out, "reconnecting") && strings.Contains(out, "keys typed now are not sent") && strings.Contains(out, "next try in")
	})
	if w, _, _, _ := f.snapshot(); w != "" {
		t.Fatalf("keys reached the remote while the link was down: %q", w)
	}
	f.setState(session.Up)
	eventually(t, "repaint after recovery", func() bool { _, a, _, _ := f.snapshot(); return a >= 2 })
	close(f.done)
	if r := <-res; r.Action != Ended {
		t.Fatalf("action %v, want Ended", r.Action)
	}
}

func TestRunResize(t *testing.T) {
	f, tm := newFake(), newTerminal(t)
	sig := make(chan os.Signal, 1)
	res := runAttach(t, f, tm, Options{Alias: "web1", Resized: sig})
	pty.Setsize(tm.tty, &pty.Winsize{Cols: 120, Rows: 40})
	sig <- os.Interrupt
	eventually(t, "resize forwarded", func() bool {
		_, _, _, s := f.snapshot()
		return len(s) >= 2 && s[len(s)-1] == [2]int{120, 40}
	})
	tm.master.Write([]byte("\x1e?"))
	eventually(t, "help", func() bool { return strings.Contains(tm.output(), "detach to the dashboard") })
	tm.master.Write([]byte("q"))
	eventually(t, "help dismissed by a key, not forwarded", func() bool { _, a, _, _ := f.snapshot(); return a >= 3 })
	if w, _, _, _ := f.snapshot(); w != "" {
		t.Fatalf("key that dismissed help was forwarded: %q", w)
	}
	tm.master.Write([]byte("\x1e."))
	if r := <-res; r.Action != Close {
		t.Fatalf("action %v, want Close", r.Action)
	}
}

// Issue 16: prefix r on a session that cannot reattach asks first; n (or
// any other key) keeps the shell, y reconnects. With reattach it does not
// ask.
func TestReconnectAsksWithoutReattach(t *testing.T) {
	f, tm := newFake(), newTerminal(t)
	f.reattach = "none"
	res := runAttach(t, f, tm, Options{Alias: "web1"})
	tm.master.Write([]byte("\x1er"))
	eventually(t, "the question", func() bool { return strings.Contains(tm.output(), "Reconnect web1? It cannot reattach") })
	tm.master.Write([]byte("n"))
	eventually(t, "redrawn after no", func() bool { _, a, _, _ := f.snapshot(); return a == 2 })
	if w, _, r, _ := f.snapshot(); r != 0 || w != "" {
		t.Fatalf("after n: %d reconnects, %q sent to the remote", r, w)
	}
	tm.master.Write([]byte("\x1er"))
	eventually(t, "asked again", func() bool { return strings.Count(tm.output(), "Reconnect web1?") == 2 })
	tm.master.Write([]byte("y"))
	eventually(t, "reconnect after y", func() bool { _, _, r, _ := f.snapshot(); return r == 1 })
	f.mu.Lock()
	f.reattach = "tmux"
	f.mu.Unlock()
	tm.master.Write([]byte("\x1er"))
	eventually(t, "reconnect at once with tmux", func() bool { _, _, r, _ := f.snapshot(); return r == 2 })
	if n := strings.Count(tm.output(), "Reconnect web1?"); n != 2 {
		t.Fatalf("asked %d times, want 2", n)
	}
	tm.master.Write([]byte("\x1ed"))
	<-res
}
