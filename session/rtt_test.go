package session

import (
	"slices"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// rttFeed applies heartbeat figures to a history as the session does,
// each against the figures before it.
type rttFeed struct {
	hist []time.Duration
	prev keepalive.Stats
}

func (f *rttFeed) feed(st keepalive.Stats) {
	f.hist = appendRTT(f.hist, f.prev, st)
	f.prev = st
}

// The sparkline's history drops a link's first round trip (which may
// include the login's tail) when the second arrives, and keeps every
// later one; figures without a new reply add nothing.
func TestRTTHistoryReplacesFirstSample(t *testing.T) {
	ms := time.Millisecond
	f := &rttFeed{}
	feed := f.feed
	feed(keepalive.Stats{})                                               // monitor started, no reply
	feed(keepalive.Stats{Answered: 1, LastRTT: 900 * ms, FirstRTT: true}) // slow login
	if !slices.Equal(f.hist, []time.Duration{900 * ms}) {
		t.Fatalf("after the first reply: %v", f.hist)
	}
	feed(keepalive.Stats{Answered: 1, LastRTT: 900 * ms, FirstRTT: true, Sent: 2}) // probe sent, no reply yet
	feed(keepalive.Stats{Answered: 2, LastRTT: 20 * ms})
	feed(keepalive.Stats{Answered: 3, LastRTT: 30 * ms})
	if want := []time.Duration{20 * ms, 30 * ms}; !slices.Equal(f.hist, want) {
		t.Fatalf("history %v, want %v", f.hist, want)
	}
	for i := range 2 * rttHistory {
		feed(keepalive.Stats{Answered: uint64(4 + i), LastRTT: ms})
	}
	if len(f.hist) != rttHistory {
		t.Fatalf("history holds %d samples, bound is %d", len(f.hist), rttHistory)
	}
}

// Status hands out the session's history without a copy, so a sample once
// in it is never rewritten: a snapshot taken before the first sample was
// replaced, before the bound was reached, or before many more replies
// still reads what it read.
func TestRTTHistoryHandedOutNeverChanges(t *testing.T) {
	ms := time.Millisecond
	f := &rttFeed{hist: make([]time.Duration, 0, 64)} // room to append in place
	feed := f.feed
	type snap struct{ got, want []time.Duration }
	var snaps []snap
	take := func() {
		h := f.hist[:len(f.hist):len(f.hist)] // as Status does
		snaps = append(snaps, snap{h, slices.Clone(h)})
	}
	feed(keepalive.Stats{Answered: 1, LastRTT: 900 * ms, FirstRTT: true})
	take()
	feed(keepalive.Stats{Answered: 2, LastRTT: 20 * ms}) // replaces the first
	take()
	for i := range 3 * rttHistory {
		feed(keepalive.Stats{Answered: uint64(3 + i), LastRTT: time.Duration(i) * ms})
		if i%7 == 0 {
			take()
		}
	}
	for i, s := range snaps {
		if !slices.Equal(s.got, s.want) {
			t.Fatalf("snapshot %d changed from %v to %v", i, s.want, s.got)
		}
	}
	// A caller appending to its snapshot gets its own array: the
	// session's next sample does not overwrite what the caller appended.
	mine := append(f.hist[:len(f.hist):len(f.hist)], 12345)
	feed(keepalive.Stats{Answered: f.prev.Answered + 1, LastRTT: 7 * ms})
	if mine[len(mine)-1] != 12345 {
		t.Fatalf("the session's next sample overwrote a caller's append: %v", mine[len(mine)-1])
	}
}
