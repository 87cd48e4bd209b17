package session

import (
	"slices"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// The sparkline's history drops a link's first round trip (which may
// include the login's tail) when the second arrives, and keeps every
// later one; figures without a new reply add nothing.
func TestRTTHistoryReplacesFirstSample(t *testing.T) {
	ms := time.Millisecond
	var hist []time.Duration
	var prev keepalive.Stats
	feed := func(st keepalive.Stats) {
		hist = appendRTT(hist, prev, st)
		prev = st
	}
	feed(keepalive.Stats{})                                               // monitor started, no reply
	feed(keepalive.Stats{Answered: 1, LastRTT: 900 * ms, FirstRTT: true}) // slow login
	if !slices.Equal(hist, []time.Duration{900 * ms}) {
		t.Fatalf("after the first reply: %v", hist)
	}
	feed(keepalive.Stats{Answered: 1, LastRTT: 900 * ms, FirstRTT: true, Sent: 2}) // probe sent, no reply yet
	feed(keepalive.Stats{Answered: 2, LastRTT: 20 * ms})
	feed(keepalive.Stats{Answered: 3, LastRTT: 30 * ms})
	if want := []time.Duration{20 * ms, 30 * ms}; !slices.Equal(hist, want) {
		t.Fatalf("history %v, want %v", hist, want)
	}
	for i := range 2 * rttHistory {
		feed(keepalive.Stats{Answered: uint64(4 + i), LastRTT: ms})
	}
	if len(hist) != rttHistory {
		t.Fatalf("history holds %d samples, bound is %d", len(hist), rttHistory)
	}
}
