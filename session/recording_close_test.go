package session

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session/record"
)

// closeCounter is a record.Recorder that counts Close calls.
type closeCounter struct {
	*record.Recorder
	closes atomic.Int32
}

func (c *closeCounter) Close() error {
	c.closes.Add(1)
	return c.Recorder.Close()
}

func openCounted(t *testing.T, path string) *closeCounter {
	t.Helper()
	r, err := record.Open(record.Options{Path: path, Width: 80, Height: 24, Title: "testhost"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return &closeCounter{Recorder: r}
}

// A session whose remote shell exits closes its recording before it is
// shown Closed, while the Manager (and sshdash) go on: the file is
// complete with the exit marker, and the status no longer says recording.
// Removing it afterwards does not close it again.
func TestSessionRecordingClosedWhenShellExits(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFixture(t)
	other := newFixture(t) // a second session in the same Manager, still up at the end
	path := filepath.Join(f.dir, "rec", "exit.cast")
	rec := openCounted(t, path)
	m := NewManager(nil, nil)
	defer m.CloseAll(context.Background())
	ev := watch(m)
	defer ev.close()
	bystander := m.Open(other.options(ReattachNone))
	o := f.options(ReattachNone)
	o.Recorder = rec
	s := m.Open(o)
	for s.Status().State != Up || bystander.Status().State != Up {
		ev.waitState(t, Up)
	}
	if !s.Status().Recording {
		t.Fatal("an open recording is not in the status")
	}
	s.Write([]byte("echo out=$((6*7)); exit 3\r"))
	for s.Status().State != Closed {
		ev.waitState(t, Closed)
	}
	if st := s.Status(); st.Recording || st.ExitStatus != 3 {
		t.Fatalf("after the shell exited: recording %v, exit status %d", st.Recording, st.ExitStatus)
	}
	if n := rec.closes.Load(); n != 1 {
		t.Fatalf("recording closed %d times when the shell exited, want 1", n)
	}
	_, kinds, data := readCast(t, path)
	var out strings.Builder
	var marks []string
	for i, k := range kinds {
		if k == "o" {
			out.WriteString(data[i])
		} else if k == "m" {
			marks = append(marks, data[i])
		}
	}
	if !strings.Contains(out.String(), "out=42") {
		t.Errorf("output lacks out=42: %q", out.String())
	}
	if len(marks) == 0 || !strings.Contains(marks[len(marks)-1], "exited with status 3") {
		t.Errorf("the last marker is not the exit: %q", marks)
	}
	rec.Marker("late") // after Close: dropped, never written
	m.Remove(s.ID())
	if n := rec.closes.Load(); n != 1 {
		t.Fatalf("Remove closed the recording again (%d closes)", n)
	}
	if _, k2, _ := readCast(t, path); len(k2) != len(kinds) {
		t.Errorf("events written after the recording was closed: %d → %d", len(kinds), len(k2))
	}
	if bystander.Status().State != Up {
		t.Errorf("the other session is %v", bystander.Status().State)
	}
}

// A session that failed keeps its recording open (Reconnect may start it
// again); removing it closes the recording.
func TestSessionRecordingClosedWhenFailedSessionRemoved(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFixture(t)
	f.target.IdentityFiles = []string{writeKey(t, f.dir, "other", "").Path}
	path := filepath.Join(f.dir, "rec", "failed.cast")
	rec := openCounted(t, path)
	m := NewManager(nil, nil)
	defer m.CloseAll(context.Background())
	ev := watch(m)
	defer ev.close()
	o := f.options(ReattachNone)
	o.Recorder = rec
	s := m.Open(o)
	ev.waitState(t, Failed)
	<-s.Done()
	if n := rec.closes.Load(); n != 0 || !s.Status().Recording {
		t.Fatalf("a failed session's recording: %d closes, recording %v; want it open", n, s.Status().Recording)
	}
	m.Remove(s.ID())
	if n := rec.closes.Load(); n != 1 {
		t.Fatalf("Remove of a failed session closed its recording %d times, want 1", n)
	}
	_, kinds, data := readCast(t, path)
	if k := len(kinds) - 1; k < 0 || kinds[k] != "m" || !strings.HasPrefix(data[k], "failed: ") {
		t.Errorf("the last event is not the failure marker: %q %q", kinds, data)
	}
}
