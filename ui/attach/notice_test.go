package attach

import (
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
)

// noticeFake is a fakeSession with a notice, output that counts, and
// overlays drawn into the attached writer as the real session does.
type noticeFake struct {
	*fakeSession
	nmu      sync.Mutex // guards the fields below
	w        io.Writer
	notice   string
	noticeAt time.Time
	bytesIn  uint64
}

func (f *noticeFake) Status() session.Status {
	st := f.fakeSession.Status()
	f.nmu.Lock()
	defer f.nmu.Unlock()
	st.Notice, st.NoticeAt, st.BytesIn = f.notice, f.noticeAt, f.bytesIn
	return st
}

func (f *noticeFake) Attach(w io.Writer) func() {
	f.nmu.Lock()
	f.w = w
	f.nmu.Unlock()
	return f.fakeSession.Attach(w)
}

func (f *noticeFake) WriteOverlay(p []byte) bool {
	f.nmu.Lock()
	defer f.nmu.Unlock()
	_, _ = f.w.Write(p)
	return true
}

// remote is output from the remote: tmux's redraw of a new shell.
func (f *noticeFake) remote(p string) {
	f.nmu.Lock()
	defer f.nmu.Unlock()
	_, _ = io.WriteString(f.w, p)
	f.bytesIn += uint64(len(p))
}

// Issue 14: the "previous shell was lost" notice stays visible after the
// new tmux's redraw erased the screen (drawn again on the bottom line
// after it), until a key is pressed; that key still reaches the shell.
func TestRunNoticeSurvivesRedraw(t *testing.T) {
	f := &noticeFake{fakeSession: newFake()}
	tm := newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1"})
	const text = "the previous shell was lost"
	f.nmu.Lock()
	f.notice, f.noticeAt = "reconnected — "+text+"; this is a new one", time.Now()
	f.nmu.Unlock()
	eventually(t, "the notice on the bottom line", func() bool { return strings.Contains(tm.output(), text) })

	// The new tmux clears and redraws the screen: the notice comes back after it.
	f.remote("\x1b[H\x1b[2JTMUX-REDRAW")
	eventually(t, "the notice drawn again after the redraw", func() bool {
		out := tm.output()
		i := strings.LastIndex(out, "TMUX-REDRAW")
		return i >= 0 && strings.Contains(out[i:], text)
	})

	// A key hides it (the screen is repainted) and is sent on.
	_, attaches, _, _ := f.snapshot()
	tm.master.Write([]byte("x"))
	eventually(t, "the key sent and the screen repainted", func() bool {
		w, a, _, _ := f.snapshot()
		return w == "x" && a > attaches
	})
	mark := len(tm.output())
	f.remote("MORE-OUTPUT")
	time.Sleep(700 * time.Millisecond) // more than two ticks of the chrome
	if out := tm.output()[mark:]; strings.Contains(out, text) {
		t.Fatalf("the notice came back after it was dismissed: %q", out)
	}
	close(f.done)
	if r := <-res; r.Action != Ended {
		t.Fatalf("action %v, want Ended", r.Action)
	}
}
