package attach

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/term"

	"github.com/sshdash/sshdash/session"
)

// plainFake records what RunCooked does to a session without a terminal.
type plainFake struct {
	mu      sync.Mutex // guards the fields below
	written bytes.Buffer
	eofs    int
	w       io.Writer
	st      session.Status
	done    chan struct{}
}

func (f *plainFake) Status() session.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *plainFake) setStatus(st session.Status) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st = st
}

func (f *plainFake) AttachPlain(w io.Writer) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.w = w
	io.WriteString(w, "EARLIER-OUTPUT\n")
	return func() {}
}

func (f *plainFake) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written.Write(p)
}

func (f *plainFake) CloseInput() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.eofs++
	return nil
}

func (f *plainFake) Done() <-chan struct{} { return f.done }

func (f *plainFake) state() (string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.written.String(), f.eofs
}

// runCooked runs RunCooked(f) on tm's terminal on a goroutine of its own
// and waits for the earlier output to be shown; the returned channel gets
// its result (an error fails the test).
func runCooked(t *testing.T, f *plainFake, tm *terminal) chan Result {
	t.Helper()
	res := make(chan Result, 1)
	go func() {
		r, err := RunCooked(context.Background(), f, Options{In: tm.tty, Out: tm.tty, Alias: "web1"})
		if err != nil {
			t.Errorf("RunCooked: %v", err)
		}
		res <- r
	}()
	eventually(t, "earlier output shown", func() bool { return strings.Contains(tm.output(), "EARLIER-OUTPUT") })
	return res
}

// RunCooked leaves the terminal cooked: it echoes and turns Enter into a
// newline (the line discipline does, not sshdash), the line reaches the
// remote, ^D reaches it as EOF and reading goes on, and the session's end
// ends it with Ended.
func TestRunCookedKeepsTerminalCooked(t *testing.T) {
	tm := newTerminal(t)
	f := &plainFake{done: make(chan struct{}), st: session.Status{State: session.Up}}
	before, err := term.GetState(int(tm.tty.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	res := runCooked(t, f, tm)
	tm.master.Write([]byte("echo hi\r"))
	eventually(t, "the line sent with a newline", func() bool { w, _ := f.state(); return w == "echo hi\n" })
	eventually(t, "the terminal echoed the line", func() bool { return strings.Contains(tm.output(), "echo hi") })
	tm.master.Write([]byte("\x04"))
	eventually(t, "^D sent as EOF", func() bool { _, n := f.state(); return n == 1 })
	tm.master.Write([]byte("more\r"))
	eventually(t, "reading goes on after ^D", func() bool { w, _ := f.state(); return w == "echo hi\nmore\n" })
	if now, err := term.GetState(int(tm.tty.Fd())); err != nil || *now != *before {
		t.Errorf("the terminal's mode changed while attached (%v)", err)
	}
	// A drop, and a reconnect that lost the shell, are said in lines of their own.
	f.setStatus(session.Status{State: session.Reconnecting})
	eventually(t, "the link-down line", func() bool { return strings.Contains(tm.output(), "sshdash: the link is down") })
	f.setStatus(session.Status{State: session.Up, Notice: "the previous shell was lost", NoticeAt: time.Now()})
	eventually(t, "the notice line", func() bool { return strings.Contains(tm.output(), "sshdash: the previous shell was lost") })
	time.Sleep(600 * time.Millisecond)
	if n := strings.Count(tm.output(), "the previous shell was lost"); n != 1 {
		t.Errorf("the notice said %d times", n)
	}
	close(f.done)
	if r := waitResult(t, res, "the session's end"); r.Action != Ended {
		t.Fatalf("action %v, want Ended", r.Action)
	}
}

// sshdash's keys in a cooked terminal are whole lines: prefix d Enter
// detaches and prefix . Enter closes; the prefix inside a longer line is
// the remote's.
func TestRunCookedPrefixLines(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Action
	}{{"\x1ed\r", Detached}, {"\x1e.\r", Close}} {
		tm := newTerminal(t)
		f := &plainFake{done: make(chan struct{}), st: session.Status{State: session.Up}}
		res := runCooked(t, f, tm)
		tm.master.Write([]byte("x\x1edx\r"))
		eventually(t, "a line with the prefix inside sent on", func() bool { w, _ := f.state(); return w == "x\x1edx\n" })
		tm.master.Write([]byte(tc.line))
		if r := waitResult(t, res, fmt.Sprintf("%q", tc.line)); r.Action != tc.want {
			t.Fatalf("%q: action %v, want %v", tc.line, r.Action, tc.want)
		}
		if w, _ := f.state(); w != "x\x1edx\n" {
			t.Errorf("the command line reached the remote: %q", w)
		}
	}
}
