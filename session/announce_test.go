package session

import (
	"testing"
	"time"
)

// Output is announced at once, then at most once per outputEvery: kicks
// while an announcement is recent coalesce into one, published by a timer
// (no goroutine of the session's waits for it). After the session has
// ended nothing more is announced, also not by a timer already armed.
func TestOutputAnnouncedCoalesced(t *testing.T) {
	h := newHub()
	box := &mailbox{id: 1}
	s := &Session{id: 1, pub: publisher{h: h, box: box}}
	take := func() bool { // takes the pending OutputArrived, if any
		ev, ok := h.next()
		if ok {
			if _, out := ev.(OutputArrived); !out {
				t.Fatalf("unexpected event %#v", ev)
			}
		}
		return ok
	}
	s.kickOutput()
	if !take() {
		t.Fatal("the first output was not announced at once")
	}
	for range 100 {
		s.kickOutput()
	}
	if take() {
		t.Fatal("output within outputEvery of the last announcement was announced at once")
	}
	deadline := time.Now().Add(10 * time.Second) // a watchdog, not a timing assertion
	for !take() {
		if time.Now().After(deadline) {
			t.Fatal("the coalesced output was never announced")
		}
		time.Sleep(time.Millisecond)
	}
	if take() {
		t.Fatal("100 kicks were announced more than once")
	}
	// Armed (or, on a machine slow enough, published at once and taken
	// here), then stopped: the timer publishes nothing.
	s.kickOutput()
	take()
	s.stopOutputAnnouncer()
	s.kickOutput()
	time.Sleep(3 * outputEvery)
	if n := h.pending(box); n != 0 {
		t.Fatalf("%d events announced after the end", n)
	}
}
