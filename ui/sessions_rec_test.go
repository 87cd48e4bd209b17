package ui

import (
	"strings"
	"testing"

	"github.com/sshdash/sshdash/session"
)

// A session that is being recorded shows ● REC before its host; when the
// recording ends (the session closed) the marker goes.
func TestRecordingSessionRowShowsMarker(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 120, 30)
	d.keys("tab")
	if l := lineWith(d.screen(), "web1"); strings.Contains(l, "REC") {
		t.Fatalf("an unrecorded session shows REC: %q", l)
	}
	f.update(1, func(s *session.Status) { s.Recording = true })
	d.send(session.StateChanged{ID: 1, From: session.Up, To: session.Stale}, flushMsg{}) // liveness is drawn at the next flush
	if l := lineWith(d.screen(), "web1"); !strings.Contains(l, "● REC web1") {
		t.Fatalf("the recorded session's row: %q", l)
	}
	f.update(1, func(s *session.Status) { s.Recording, s.State = false, session.Closed })
	d.send(session.StateChanged{ID: 1, From: session.Stale, To: session.Closed})
	if l := lineWith(d.screen(), "web1"); strings.Contains(l, "REC") {
		t.Fatalf("a closed session still shows REC: %q", l)
	}
}

func TestHostCellNarrow(t *testing.T) {
	s := session.Status{Alias: "a-rather-long-host", Recording: true}
	if got := recCell(s, 12); got != "●a-rather-long-host" {
		t.Errorf("narrow: %q", got)
	}
	if got := recCell(s, 30); got != "● REC a-rather-long-host" {
		t.Errorf("wide: %q", got)
	}
}
