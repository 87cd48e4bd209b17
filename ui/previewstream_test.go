package ui

import (
	"fmt"
	"testing"

	"github.com/sshdash/sshdash/session"
)

// A session that streams into the preview is read once per 1 s tick, not
// at every flush; when it stops, the next output is shown at the next
// flush again. A flush that finds the preview unchanged draws nothing.
func TestStreamingPreviewWaitsForTheTick(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 80, 24)
	d.keys("tab")
	d.mustSee("#1 web1")
	out := func(i int) bool { // new output in session 1; whether a flush was scheduled
		t.Helper()
		f.mu.Lock()
		f.screens[1] = append(f.screens[1], fmt.Sprintf("line-%03d", i))
		f.mu.Unlock()
		_, cmd := d.m.Update(session.OutputArrived{ID: 1})
		return cmd != nil
	}
	for i := range streamFlushes {
		if !out(i) {
			t.Fatalf("output %d scheduled no flush", i)
		}
		d.send(flushMsg{})
		d.mustSee(fmt.Sprintf("line-%03d", i))
	}
	// Streaming now: output waits for the tick.
	for i := streamFlushes; i < streamFlushes+5; i++ {
		if out(i) {
			t.Fatalf("output %d of a streaming session scheduled a flush", i)
		}
	}
	d.mustNotSee(fmt.Sprintf("line-%03d", streamFlushes+4))
	d.send(secondTickMsg{})
	d.mustSee(fmt.Sprintf("line-%03d", streamFlushes+4))

	// A tick with no output in between ends the streak.
	d.send(secondTickMsg{})
	if !out(100) {
		t.Fatal("output after a quiet second scheduled no flush")
	}
	d.send(flushMsg{})
	d.mustSee("line-100")

	// Output that leaves the preview's lines as they were draws nothing.
	rev := d.m.rev
	d.m.Update(session.OutputArrived{ID: 1})
	d.m.Update(flushMsg{})
	if d.m.rev != rev {
		t.Fatalf("a flush with the preview unchanged redrew (rev %d→%d)", rev, d.m.rev)
	}
}
