package attach

import (
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session"
	"github.com/sshdash/sshdash/watch"
)

// An alert of a background session reaches the attached terminal through
// the session's overlay writer: its bytes (bell, OSC 9) once, and its
// sentence on the bottom line; a key hides the sentence.
func TestAlertWhileAttached(t *testing.T) {
	f, tm := &overlayFake{fakeSession: newFake()}, newTerminal(t)
	alerts := make(chan watch.Alert, 1)
	o := Options{Alias: "web1", In: tm.tty, Out: tm.tty, Alerts: alerts,
		AlertBytes: func(a watch.Alert) []byte { return watch.Sequence(watch.ModeOSC9, a) }}
	res := make(chan Result, 1)
	go func() {
		r, err := Run(t.Context(), f, o)
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		res <- r
	}()
	eventually(t, "redraw", func() bool { return strings.Contains(tm.output(), "SCREEN-REDRAW") })
	alerts <- watch.Alert{ID: 2, Alias: "db1", Kind: watch.KindMatch, Text: "output matched: DEPLOY-42"}
	osc := "OVERLAY[\a\x1b]9;sshdash: db1: output matched: DEPLOY-42\a]"
	eventually(t, "the notification", func() bool { return strings.Contains(tm.output(), osc) })
	eventually(t, "the sentence on the bottom line", func() bool {
		return strings.Contains(tm.output(), "⚑ db1: output matched: DEPLOY-42")
	})
	time.Sleep(600 * time.Millisecond) // two ticks: nothing is written twice
	if n := strings.Count(tm.output(), osc); n != 1 {
		t.Fatalf("notification written %d times", n)
	}
	tm.master.Write([]byte("x"))
	eventually(t, "a repaint after the key", func() bool { _, a, _, _ := f.snapshot(); return a == 2 })
	tm.master.Write([]byte("\x1ed"))
	select {
	case <-res:
	case <-time.After(5 * time.Second):
		t.Fatal("detach did not end Run")
	}
}

// A cooked attach (RequestTTY no) says an alert as a line of its own,
// after its bell and notification.
func TestAlertWhileAttachedCooked(t *testing.T) {
	tm := newTerminal(t)
	f := &plainFake{done: make(chan struct{}), st: session.Status{State: session.Up}}
	alerts := make(chan watch.Alert, 1)
	o := Options{Alias: "web1", In: tm.tty, Out: tm.tty, Alerts: alerts,
		AlertBytes: func(a watch.Alert) []byte { return watch.Sequence(watch.ModeOSC777, a) }}
	res := make(chan Result, 1)
	go func() {
		r, err := RunCooked(t.Context(), f, o)
		if err != nil {
			t.Errorf("RunCooked: %v", err)
		}
		res <- r
	}()
	eventually(t, "the earlier output", func() bool { return strings.Contains(tm.output(), "EARLIER-OUTPUT") })
	alerts <- watch.Alert{Alias: "db1", Text: "silent for 30s"}
	want := "\a\x1b]777;notify;sshdash;db1: silent for 30s\a\r\nsshdash: ⚑ db1: silent for 30s\r\n"
	eventually(t, "the alert line", func() bool { return strings.Contains(tm.output(), want) })
	close(f.done)
	select {
	case r := <-res:
		if r.Action != Ended {
			t.Fatalf("action %v", r.Action)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunCooked did not end with the session")
	}
}
