package session

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// observed records what an Observer is given.
type observed struct {
	mu     sync.Mutex // guards the fields below
	out    strings.Builder
	states []State
	exits  []int
}

func (o *observed) Output(p []byte) {
	o.mu.Lock()
	o.out.Write(p)
	o.mu.Unlock()
}

func (o *observed) State(e StateChanged) {
	o.mu.Lock()
	o.states = append(o.states, e.To)
	o.mu.Unlock()
}

func (o *observed) Exited(status int) {
	o.mu.Lock()
	o.exits = append(o.exits, status)
	o.mu.Unlock()
}

// An Observer sees the output, every published transition and the exit
// status; Note puts a sentence in the log and publishes it.
func TestSessionObserverAndNote(t *testing.T) {
	checkLeaks(t)
	testWatchdog(t, time.Minute)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	o := &observed{}
	opts := f.options(ReattachNone)
	opts.Observer = o
	s := m.Open(opts)
	ev.waitState(t, Up)
	s.Note("web1: output matched: x")
	ev.waitFor(t, "the note", func(e Event) bool {
		l, ok := e.(Logged)
		return ok && l.Entry.Text == "web1: output matched: x"
	})
	s.Write([]byte("echo seen=$((6*7))\r"))
	screenHas(t, s, "seen=42")
	s.Write([]byte("exit 3\r"))
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("session did not end when the shell exited")
	}
	m.CloseAll(context.Background())
	o.mu.Lock()
	defer o.mu.Unlock()
	if !strings.Contains(o.out.String(), "seen=42") {
		t.Errorf("observer output lacks seen=42: %q", o.out.String())
	}
	if len(o.exits) != 1 || o.exits[0] != 3 {
		t.Errorf("exits %v, want [3]", o.exits)
	}
	if n := len(o.states); n < 2 || o.states[n-1] != Closed || !containsState(o.states, Up) {
		t.Errorf("states %v, want Up … Closed", o.states)
	}
}

func containsState(ss []State, s State) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
