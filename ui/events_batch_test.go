package ui

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sshdash/sshdash/session"
)

// A burst of waiting events arrives as one message, in order, and a closed
// channel behind them is reported with them.
func TestWaitEventTakesTheWaitingEvents(t *testing.T) {
	ch := make(chan session.Event, 8)
	for i := 1; i <= 5; i++ {
		ch <- session.HeartbeatUpdate{ID: i}
	}
	m := Model{events: ch}
	msg, ok := m.waitEvent()().(eventsMsg)
	if !ok || len(msg.evs) != 5 || msg.closed {
		t.Fatalf("got %#v, want the 5 waiting events, channel open", msg)
	}
	for i, ev := range msg.evs {
		if ev.(session.HeartbeatUpdate).ID != i+1 {
			t.Fatalf("event %d is %#v: out of order", i, ev)
		}
	}
	ch <- session.HeartbeatUpdate{ID: 6}
	close(ch)
	msg, ok = m.waitEvent()().(eventsMsg)
	if !ok || len(msg.evs) != 1 || !msg.closed {
		t.Fatalf("got %#v, want one event and the close", msg)
	}
	if _, ok := m.waitEvent()().(eventsClosedMsg); !ok {
		t.Fatal("a closed, empty channel is not reported closed")
	}
}

// Many state changes in one batch take one snapshot of all sessions and
// show every change; a failure in the batch is still named by its host.
func TestEventBatchTakesOneSnapshot(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 120, 40)
	d.keys("tab")
	f.mu.Lock()
	var evs []session.Event
	for i := range 20 {
		f.sessions = append(f.sessions, session.Status{ID: 100 + i, Alias: fmt.Sprint("extra", i), State: session.Up})
		evs = append(evs, session.StateChanged{ID: 100 + i, From: session.Connecting, To: session.Up})
		evs = append(evs, session.HeartbeatUpdate{ID: 100 + i})
	}
	f.sessions = append(f.sessions, session.Status{ID: 200, Alias: "newfail", State: session.Failed})
	f.mu.Unlock()
	evs = append(evs, session.StateChanged{ID: 200, From: session.Connecting, To: session.Failed})
	calls := f.sessionsCalls
	d.send(eventsMsg{evs: evs})
	if n := f.sessionsCalls - calls; n < 1 || n > 2 {
		t.Fatalf("a batch of %d events took %d snapshots, want 1 (2 with the failure)", len(evs), n)
	}
	d.mustSee("Sessions "+fmt.Sprint(len(f.sessions)), "newfail failed")
	if !slices.ContainsFunc(d.m.snapshot, func(s session.Status) bool { return s.Alias == "extra19" }) {
		t.Fatal("the snapshot after the batch misses the last session")
	}
}

// Sessions going Stale and back Up (a late heartbeat reply, then the
// reply) take no snapshot each: the next flush takes one for all of them.
func TestLivenessChangesWaitForTheFlush(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 120, 40)
	d.keys("tab")
	d.mustNotSee("◐ 2 stale")
	calls := f.sessionsCalls
	f.update(1, func(s *session.Status) { s.State = session.Stale })
	var cmds int
	for range 50 {
		_, cmd := d.m.Update(session.StateChanged{ID: 1, From: session.Up, To: session.Stale})
		if cmd != nil {
			cmds++
		}
	}
	if cmds != 1 || f.sessionsCalls != calls {
		t.Fatalf("50 liveness changes scheduled %d flushes and took %d snapshots, want 1 and none", cmds, f.sessionsCalls-calls)
	}
	d.send(flushMsg{})
	if f.sessionsCalls != calls+1 {
		t.Fatalf("the flush took %d snapshots, want 1", f.sessionsCalls-calls)
	}
	d.mustSee("◐ 2 stale")
}

// Connecting stages and coming up wait for the flush like liveness
// changes; a failure is drawn at once.
func TestOpeningProgressWaitsForTheFlush(t *testing.T) {
	f := newDemoBackend()
	d := newDriver(t, f, 120, 40)
	d.keys("tab")
	calls := f.sessionsCalls
	var cmds int
	for range 20 {
		for _, ev := range []session.StateChanged{
			{ID: 1, From: session.Connecting, To: session.Connecting},
			{ID: 1, From: session.Connecting, To: session.Up},
			{ID: 1, From: session.Reconnecting, To: session.Up},
		} {
			_, cmd := d.m.Update(ev)
			if cmd != nil {
				cmds++
			}
		}
	}
	if cmds != 1 || f.sessionsCalls != calls {
		t.Fatalf("60 progress changes scheduled %d flushes and took %d snapshots, want 1 and none", cmds, f.sessionsCalls-calls)
	}
	f.update(1, func(s *session.Status) { s.State = session.Failed })
	d.send(session.StateChanged{ID: 1, From: session.Up, To: session.Failed})
	if f.sessionsCalls != calls+1 {
		t.Fatalf("a failure took %d snapshots, want 1 at once", f.sessionsCalls-calls)
	}
}

// The session layer hands events over one at a time on an unbuffered
// channel, its dispatcher offering the next only once it has run again: a
// burst handed over that way still arrives in few messages, not one per
// event (before, 200 heartbeats were 200 messages, each a pass of the
// program's loop).
func TestWaitEventGathersAHandedOverBurst(t *testing.T) {
	const n = 200
	ch := make(chan session.Event) // unbuffered, as Manager.Events
	go func() {
		for i := 1; i <= n; i++ {
			ch <- session.HeartbeatUpdate{ID: i}
		}
	}()
	m := Model{events: ch}
	msgs, got := 0, 0
	for got < n {
		msg, ok := m.waitEvent()().(eventsMsg)
		if !ok {
			t.Fatalf("got %#v", msg)
		}
		for _, ev := range msg.evs {
			got++
			if ev.(session.HeartbeatUpdate).ID != got {
				t.Fatalf("event %d is %#v: out of order", got, ev)
			}
		}
		msgs++
	}
	if msgs > n/4 {
		t.Fatalf("%d events handed over one at a time came in %d messages, want at most %d", n, msgs, n/4)
	}
	t.Logf("%d events in %d messages", n, msgs)
}
