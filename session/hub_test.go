package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// pendingBound is the most a session's mailbox can hold, whatever is
// published and however long nobody reads.
const pendingBound = maxPendingStates + maxPendingPrompts + logRing + 2

// A consumer that never reads costs a bounded mailbox per session; when it
// reads again it gets every session's latest state last, and the log
// entries it missed are counted.
func TestHubNobodyReadsStaysBounded(t *testing.T) {
	checkLeaks(t)
	h := newHub()
	const sessions, rounds = 50, 2000
	boxes := make([]*mailbox, sessions)
	for i := range boxes {
		boxes[i] = &mailbox{id: i + 1}
	}
	within(t, "publishing with nobody reading", 30*time.Second, func() {
		for r := 0; r < rounds; r++ {
			for i, b := range boxes {
				p := publisher{h: h, box: b}
				p.publish(OutputArrived{ID: b.id})
				p.publish(HeartbeatUpdate{ID: b.id, Stats: keepalive.Stats{Answered: uint64(r)}})
				p.publish(Logged{ID: b.id, Entry: LogEntry{Text: fmt.Sprintf("entry %d", r)}})
				to := State(r % int(Closed))
				p.publish(StateChanged{ID: b.id, To: to, At: time.Unix(int64(r), 0)})
				if r%100 == 0 {
					pr := NewPrompt(PromptPassword, "h", "password?")
					p.publish(PromptRequested{ID: b.id, Prompt: pr})
					pr.Cancel() // the session gave up on it; it must not pile up
				}
				if n := h.pending(b); n > pendingBound {
					t.Fatalf("session %d holds %d pending items after %d rounds, bound %d", i+1, n, r, pendingBound)
				}
			}
		}
		for _, b := range boxes {
			publisher{h: h, box: b}.publish(StateChanged{ID: b.id, To: Closed, Cause: nil})
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	defer func() { cancel(); <-done }()

	lastState := map[int]State{}
	lastHB := map[int]uint64{}
	missed := map[int]int{}
	logs := map[int]int{}
	got := 0
	within(t, "draining", 30*time.Second, func() {
		for {
			var ev Event
			select {
			case ev = <-h.out:
			case <-time.After(200 * time.Millisecond):
				return // drained: the dispatcher had nothing more
			}
			got++
			switch ev := ev.(type) {
			case StateChanged:
				lastState[ev.ID] = ev.To
			case HeartbeatUpdate:
				lastHB[ev.ID] = ev.Stats.Answered
			case Logged:
				missed[ev.ID] += ev.Missed
				logs[ev.ID]++
			case PromptRequested:
				t.Errorf("session %d: a cancelled prompt was delivered", ev.ID)
			}
		}
	})
	if got > sessions*pendingBound {
		t.Errorf("%d events delivered after the pause, bound %d", got, sessions*pendingBound)
	}
	for _, b := range boxes {
		if lastState[b.id] != Closed {
			t.Errorf("session %d: last state delivered %s, want closed", b.id, lastState[b.id])
		}
		if lastHB[b.id] != uint64(rounds-1) {
			t.Errorf("session %d: last heartbeat %d, want the latest %d", b.id, lastHB[b.id], rounds-1)
		}
		if logs[b.id] != logRing || logs[b.id]+missed[b.id] != rounds {
			t.Errorf("session %d: %d log entries delivered and %d counted missed, want %d and %d", b.id, logs[b.id], missed[b.id], logRing, rounds-logRing)
		}
	}
}

// A reader that keeps up sees every state change in order.
func TestHubReaderSeesEveryTransition(t *testing.T) {
	checkLeaks(t)
	h := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	defer func() { cancel(); <-done }()
	p := publisher{h: h, box: &mailbox{id: 1}}
	seq := []State{Connecting, Up, Stale, Up, Dropped, Reconnecting, Up, Closed}
	within(t, "reading transitions", 10*time.Second, func() {
		from := Resolving
		for _, to := range seq {
			p.publish(StateChanged{ID: 1, From: from, To: to})
			from = to
			p.publish(OutputArrived{ID: 1})
		}
		from = Resolving
		for _, want := range seq {
			for {
				ev := <-h.out
				if sc, ok := ev.(StateChanged); ok {
					if sc.From != from || sc.To != want {
						t.Fatalf("got %s→%s, want %s→%s", sc.From, sc.To, from, want)
					}
					from = want
					break
				}
			}
		}
	})
}

// State changes and prompts are delivered before a flood of output,
// heartbeats and log entries, and sessions take turns.
func TestHubStateAndPromptsFirst(t *testing.T) {
	checkLeaks(t)
	h := newHub()
	flood := make([]publisher, 20)
	for i := range flood {
		flood[i] = publisher{h: h, box: &mailbox{id: i + 1}}
		for r := 0; r < 100; r++ {
			flood[i].publish(Logged{ID: i + 1, Entry: LogEntry{Text: "noise"}})
			flood[i].publish(HeartbeatUpdate{ID: i + 1})
			flood[i].publish(OutputArrived{ID: i + 1})
		}
	}
	quiet := publisher{h: h, box: &mailbox{id: 99}}
	pr := NewPrompt(PromptHostKey, "h", "trust?")
	quiet.publish(StateChanged{ID: 99, To: NeedsYou})
	quiet.publish(PromptRequested{ID: 99, Prompt: pr})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	defer func() { cancel(); <-done }()
	var first []Event
	within(t, "reading", 10*time.Second, func() {
		for len(first) < 2+len(flood) {
			first = append(first, <-h.out)
		}
	})
	if sc, ok := first[0].(StateChanged); !ok || sc.ID != 99 {
		t.Fatalf("first event %#v, want the state change", first[0])
	}
	if pe, ok := first[1].(PromptRequested); !ok || pe.Prompt != pr {
		t.Fatalf("second event %#v, want the prompt", first[1])
	}
	seen := map[int]bool{}
	for _, ev := range first[2:] {
		if seen[ev.SessionID()] {
			t.Fatalf("session %d served twice before every flooding session had a turn", ev.SessionID())
		}
		seen[ev.SessionID()] = true
	}
}

// BenchmarkHubPublish is the cost of publishing while nobody reads: what
// a session's output pump and run loop pay per event.
func BenchmarkHubPublish(b *testing.B) {
	h := newHub()
	p := publisher{h: h, box: &mailbox{id: 1}}
	e := Logged{ID: 1, Entry: LogEntry{Text: "x"}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		switch i % 3 {
		case 0:
			p.publish(OutputArrived{ID: 1})
		case 1:
			p.publish(HeartbeatUpdate{ID: 1})
		default:
			p.publish(e)
		}
	}
}

// Heartbeats alone reach the consumer (batched), each session's latest;
// with a state change they all arrive.
func TestHubHeartbeatsAloneAreDelivered(t *testing.T) {
	checkLeaks(t)
	h := newHub()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	defer func() { cancel(); <-done }()
	const n = 50
	boxes := make([]publisher, n)
	for i := range boxes {
		boxes[i] = publisher{h: h, box: &mailbox{id: i + 1}}
	}
	within(t, "heartbeats without anything else", 10*time.Second, func() {
		for round := uint64(1); round <= 3; round++ {
			for i, p := range boxes {
				p.publish(HeartbeatUpdate{ID: i + 1, Stats: keepalive.Stats{Answered: round}})
			}
		}
		latest := map[int]uint64{}
		for done := 0; done < n; {
			hb, ok := (<-h.out).(HeartbeatUpdate)
			if !ok {
				t.Fatal("an event nobody published")
			}
			if hb.Stats.Answered < latest[hb.ID] {
				t.Fatalf("session %d: heartbeat %d after %d", hb.ID, hb.Stats.Answered, latest[hb.ID])
			}
			latest[hb.ID] = hb.Stats.Answered
			if hb.Stats.Answered == 3 {
				done++
			}
		}
	})
	within(t, "a state change and a heartbeat", 10*time.Second, func() {
		boxes[0].publish(HeartbeatUpdate{ID: 1, Stats: keepalive.Stats{Answered: 4}})
		boxes[1].publish(StateChanged{ID: 2, From: Up, To: Stale})
		var gotHB, gotState bool
		for !gotHB || !gotState {
			switch ev := (<-h.out).(type) {
			case HeartbeatUpdate:
				gotHB = ev.Stats.Answered == 4
			case StateChanged:
				gotState = ev.To == Stale
			}
		}
	})
}

// SetHeartbeatDelivery: the heartbeat timer is armed for the time set
// (the dashboard sets a second; 0 is ignored), other managers keep the
// default, and what waits is delivered when the timer fires. The timer is
// recorded and fired by hand: whether a heartbeat goes out earlier depends
// on whether the dispatcher happens to be awake (it takes every pending
// event along), which a test cannot hold still.
func TestHubHeartbeatDeliveryWait(t *testing.T) {
	checkLeaks(t)
	type armed struct {
		wait time.Duration
		fire func()
	}
	record := func(m *Manager) chan armed {
		ch := make(chan armed, 8)
		m.hub.mu.Lock()
		m.hub.afterFunc = func(d time.Duration, f func()) { ch <- armed{d, f} }
		m.hub.mu.Unlock()
		return ch
	}
	ctx := context.Background()

	m := NewManager(nil, nil)
	defer m.CloseAll(ctx)
	timers := record(m)
	m.SetHeartbeatDelivery(time.Hour)
	m.SetHeartbeatDelivery(0) // ignored: the hour stays
	publisher{h: m.hub, box: &mailbox{id: 1}}.publish(HeartbeatUpdate{ID: 1, Stats: keepalive.Stats{Answered: 1}})
	publisher{h: m.hub, box: &mailbox{id: 2}}.publish(HeartbeatUpdate{ID: 2, Stats: keepalive.Stats{Answered: 1}})
	var a armed
	select {
	case a = <-timers:
	default:
		t.Fatal("no heartbeat timer armed")
	}
	if a.wait != time.Hour {
		t.Fatalf("heartbeat timer armed for %v, want the hour set", a.wait)
	}
	select {
	case b := <-timers:
		t.Fatalf("a second timer (%v) armed for the second heartbeat: one timer covers all that wait", b.wait)
	default:
	}
	a.fire()
	within(t, "the heartbeats after their timer fired", 10*time.Second, func() {
		seen := map[int]bool{}
		for len(seen) < 2 {
			hb, ok := (<-m.Events()).(HeartbeatUpdate)
			if !ok {
				t.Fatalf("an event nobody published")
			}
			seen[hb.ID] = true
		}
	})

	m2 := NewManager(nil, nil)
	defer m2.CloseAll(ctx)
	timers2 := record(m2)
	publisher{h: m2.hub, box: &mailbox{id: 3}}.publish(HeartbeatUpdate{ID: 3})
	select {
	case a := <-timers2:
		if a.wait != heartbeatBatch {
			t.Fatalf("another manager's heartbeat timer armed for %v, want the default %v", a.wait, heartbeatBatch)
		}
		a.fire()
	default:
		t.Fatal("no heartbeat timer armed on the other manager")
	}
	within(t, "a heartbeat at the default wait", 10*time.Second, func() {
		if hb, ok := (<-m2.Events()).(HeartbeatUpdate); !ok || hb.ID != 3 {
			t.Fatalf("got %#v", hb)
		}
	})
}
