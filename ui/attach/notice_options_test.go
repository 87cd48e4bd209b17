package attach

import (
	"io"
	"strings"
	"sync"
	"testing"
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
	res := runAttach(t, f, tm, Options{Alias: "web1", Notice: "2 detached sessions on web1"})
	eventually(t, "the notice on the bottom line", func() bool {
		return strings.Contains(tm.output(), "OVERLAY[\x1b[30;1H\x1b[0;7m2 detached sessions on web1")
	})
	tm.master.Write([]byte("x"))
	eventually(t, "a repaint after the key", func() bool { _, a, _, _ := f.snapshot(); return a == 2 })
	eventually(t, "the key forwarded", func() bool { w, _, _, _ := f.snapshot(); return w == "x" })
	tm.master.Write([]byte("\x1ed"))
	waitResult(t, res, "detach")
}

// A notice that comes later through NoticeLater is drawn when it comes.
func TestNoticeLater(t *testing.T) {
	f, tm := &overlayFake{fakeSession: newFake()}, newTerminal(t)
	later := make(chan string, 1)
	res := runAttach(t, f, tm, Options{Alias: "web1", NoticeLater: later})
	if strings.Contains(tm.output(), "OVERLAY[") {
		t.Fatal("a notice drawn before any came")
	}
	later <- "1 detached session on web1"
	eventually(t, "the later notice", func() bool { return strings.Contains(tm.output(), "1 detached session on web1") })
	tm.master.Write([]byte("\x1ed"))
	waitResult(t, res, "detach")
}
