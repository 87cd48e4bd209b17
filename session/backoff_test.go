package session

import (
	"testing"
	"time"
)

func TestBackoffDelayBounds(t *testing.T) {
	b := DefaultBackoff()
	max := func(n int64) int64 { return n - 1 } // always the ceiling
	b.rand = max
	want := []time.Duration{0, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for attempt, w := range want {
		if got := b.Delay(attempt); got != w {
			t.Errorf("Delay(%d) ceiling = %v, want %v", attempt, got, w)
		}
	}
	b.rand = func(int64) int64 { return 0 }
	if got := b.Delay(5); got != 0 {
		t.Errorf("full jitter floor = %v, want 0", got)
	}
}

func TestBackoffJitterSpread(t *testing.T) {
	b := DefaultBackoff()
	seen := map[time.Duration]bool{}
	for range 50 {
		d := b.Delay(4)
		if d < 0 || d > 4*time.Second {
			t.Fatalf("Delay(4) = %v out of [0, 4s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("jitter produced only %d distinct delays in 50 draws", len(seen))
	}
}

func TestBackoffReset(t *testing.T) {
	b := DefaultBackoff()
	if b.Reset(59 * time.Second) {
		t.Error("reset before StableAfter")
	}
	if !b.Reset(60 * time.Second) {
		t.Error("no reset at StableAfter")
	}
}
