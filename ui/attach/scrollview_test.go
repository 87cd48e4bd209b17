package attach

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session/vt"
)

// historyFake is a fake session with a real emulator for its history.
type historyFake struct {
	*fakeSession
	screen *vt.Screen
	syncs  int
}

func (h *historyFake) History(from, n, cols int) ([]string, int) {
	return h.screen.StyledHistory(from, n, cols)
}
func (h *historyFake) HistoryText() []string { return h.screen.PlainHistory() }
func (h *historyFake) SyncHistory(context.Context) error {
	h.mu.Lock()
	h.syncs++
	h.mu.Unlock()
	return errors.New("no tmux history to fetch")
}

func TestScrollbackView(t *testing.T) {
	f := &historyFake{fakeSession: newFake(), screen: vt.New(100, 30)}
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(f.screen, "%d\r\n", i)
	}
	tm := newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1"})

	tm.master.Write([]byte("\x1e["))
	// 271 lines of scrollback and the 30-line screen; the view shows 29.
	eventually(t, "the view at the bottom", func() bool { return strings.Contains(tm.output(), "scrollback 273–301 of 301") })
	tm.master.Write([]byte("\x1b[5~"))
	eventually(t, "page up", func() bool { return strings.Contains(tm.output(), "scrollback 244–272 of 301") })
	tm.master.Write([]byte("g"))
	eventually(t, "top", func() bool { return strings.Contains(tm.output(), "scrollback 1–29 of 301") })
	tm.master.Write([]byte("jj"))
	eventually(t, "two lines down", func() bool { return strings.Contains(tm.output(), "scrollback 3–31 of 301") })
	tm.master.Write([]byte("G/15"))
	eventually(t, "search typed", func() bool { return strings.Contains(tm.output(), "search up: /15") })
	tm.master.Write([]byte("0\r"))
	// The nearest match above the window: line 150 (index 149), shown
	// reverse, a third of the way down.
	eventually(t, "search found 150", func() bool { return strings.Contains(tm.output(), "\x1b[7m150 ") })
	tm.master.Write([]byte("n"))
	eventually(t, "no older match", func() bool { return strings.Contains(tm.output(), `"150" not found`) })
	tm.master.Write([]byte("/zzz\r"))
	eventually(t, "not found", func() bool { return strings.Contains(tm.output(), `"zzz" not found`) })

	// Output while in the view goes on into the emulator.
	fmt.Fprintf(f.screen, "301\r\n")
	tm.master.Write([]byte("q"))
	eventually(t, "redrawn from the emulator on leaving", func() bool { _, a, _, _ := f.snapshot(); return a == 2 })
	if w, _, _, _ := f.snapshot(); w != "" {
		t.Fatalf("keys typed in the view reached the remote: %q", w)
	}
	if h := f.screen.PlainHistory(); h[len(h)-2] != "301" {
		t.Fatalf("output during the view lost: %q", h[len(h)-3:])
	}
	tm.master.Write([]byte("ls\r"))
	eventually(t, "keys go to the remote again", func() bool { w, _, _, _ := f.snapshot(); return w == "ls\r" })
	tm.master.Write([]byte("\x1e[\x1ed"))
	select {
	case r := <-res:
		t.Fatalf("the prefix inside the view ended the attach: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	tm.master.Write([]byte("\x1b"))
	eventually(t, "esc leaves", func() bool { _, a, _, _ := f.snapshot(); return a == 3 })
	tm.master.Write([]byte("\x1ed"))
	if r := waitResult(t, res, "detach"); r.Action != Detached {
		t.Fatalf("action %v", r.Action)
	}
	if f.syncs != 2 {
		t.Errorf("history synced %d times, want once per opening", f.syncs)
	}
}

func TestNextKey(t *testing.T) {
	for in, want := range map[string]string{"\x1b[5~": "pgup", "\x1b[6~": "pgdown", "\x1bOA": "up", "\x1b[B": "down", "\x1b": "esc", "\r": "enter", "\x7f": "backspace", "\x04": "ctrl+d", "é": "é", "\x1b[1;5A": "up"} {
		if k, n := nextKey([]byte(in)); k != want || n != len(in) {
			t.Errorf("nextKey(%q) = %q, %d", in, k, n)
		}
	}
}
