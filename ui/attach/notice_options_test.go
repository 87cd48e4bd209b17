package attach

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// overlayFake is a fakeSession that can draw overlays, as a real session.
type overlayFake struct {
	*fakeSession
	omu sync.Mutex // guards w
	w   io.Writer
}

func (f *overlayFake) Attach(w io.Writer) func() {
	f.omu.Lock()
	f.w = w
	f.omu.Unlock()
	return f.fakeSession.Attach(w)
}

func (f *overlayFake) WriteOverlay(p []byte) bool {
	f.omu.Lock()
	defer f.omu.Unlock()
	if f.w == nil {
		return false
	}
	io.WriteString(f.w, "OVERLAY["+string(p)+"]")
	return true
}

// The notice is drawn on the bottom line once attached, and the first key
// repaints the screen without it; the key still reaches the remote.
func TestNoticeShownThenHiddenByAKey(t *testing.T) {
	f, tm := &overlayFake{fakeSession: newFake()}, newTerminal(t)
	o := Options{Alias: "web1", In: tm.tty, Out: tm.tty, Notice: "2 detached sessions on web1"}
	res := make(chan Result, 1)
	go func() {
		r, err := Run(t.Context(), f, o)
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		res <- r
	}()
	eventually(t, "the notice on the bottom line", func() bool {
		return strings.Contains(tm.output(), "OVERLAY[\x1b[30;1H\x1b[0;7m2 detached sessions on web1")
	})
	tm.master.Write([]byte("x"))
	eventually(t, "a repaint after the key", func() bool { _, a, _, _ := f.snapshot(); return a == 2 })
	eventually(t, "the key forwarded", func() bool { w, _, _, _ := f.snapshot(); return w == "x" })
	tm.master.Write([]byte("\x1ed"))
	select {
	case <-res:
	case <-time.After(5 * time.Second):
		t.Fatal("detach did not end Run")
	}
}

// A notice that comes later through NoticeLater is drawn when it comes.
func TestNoticeLater(t *testing.T) {
	f, tm := &overlayFake{fakeSession: newFake()}, newTerminal(t)
	later := make(chan string, 1)
	o := Options{Alias: "web1", In: tm.tty, Out: tm.tty, NoticeLater: later}
	res := make(chan Result, 1)
	go func() {
		r, _ := Run(t.Context(), f, o)
		res <- r
	}()
	eventually(t, "redraw", func() bool { return strings.Contains(tm.output(), "SCREEN-REDRAW") })
	if strings.Contains(tm.output(), "OVERLAY[") {
		t.Fatal("a notice drawn before any came")
	}
	later <- "1 detached session on web1"
	eventually(t, "the later notice", func() bool { return strings.Contains(tm.output(), "1 detached session on web1") })
	tm.master.Write([]byte("\x1ed"))
	select {
	case <-res:
	case <-time.After(5 * time.Second):
		t.Fatal("detach did not end Run")
	}
}
