package session

import (
	"context"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// acquireWithin reports whether acquire returned within d. A wait that
// did not is cancelled (and anything it got released), so no goroutine
// outlives the call.
func acquireWithin(d *dialSlots, ctx context.Context, within time.Duration) (func(), bool) {
	ctx, cancel := context.WithCancel(ctx)
	got := make(chan func(), 1)
	go func() { got <- d.acquire(ctx) }()
	select {
	case r := <-got:
		return func() { r(); cancel() }, true
	case <-time.After(within):
		cancel()
		(<-got)() // a cancelled wait's release is a no-op; a won race's frees its slot
		return nil, false
	}
}

func TestDialSlotsBoundAndRelease(t *testing.T) {
	d := newDialSlots(keepalive.RealClock{}, 2, time.Hour)
	ctx := context.Background()
	r1, ok1 := acquireWithin(d, ctx, 5*time.Second)
	r2, ok2 := acquireWithin(d, ctx, 5*time.Second)
	if !ok1 || !ok2 {
		t.Fatal("the first two dials did not get a slot")
	}
	got := make(chan func(), 1)
	go func() { got <- d.acquire(ctx) }()
	select {
	case <-got:
		t.Fatal("a third dial started while two held both slots")
	case <-time.After(100 * time.Millisecond):
	}
	r1()
	r1() // idempotent: must not free a second slot
	var r3 func()
	select {
	case r3 = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("a released slot did not let the waiting dial start")
	}
	if _, ok := acquireWithin(d, ctx, 100*time.Millisecond); ok {
		t.Fatal("releasing one slot twice freed two")
	}
	r2()
	r3()
}

func TestDialSlotsHeldAtMostTheHoldTime(t *testing.T) {
	// A dial to a host that never answers keeps its slot only for the
	// hold time, then the next dial starts.
	d := newDialSlots(keepalive.RealClock{}, 1, 50*time.Millisecond)
	r1, ok := acquireWithin(d, context.Background(), 5*time.Second)
	if !ok {
		t.Fatal("no slot")
	}
	r2, ok := acquireWithin(d, context.Background(), 5*time.Second)
	if !ok {
		t.Fatal("a slot held past its hold time was not freed")
	}
	r1() // late release of a slot already freed: must not free r2's
	if _, ok := acquireWithin(d, context.Background(), 20*time.Millisecond); ok {
		t.Fatal("a late release freed another dial's slot")
	}
	r2()
}

func TestDialSlotsWaitEndsWithContext(t *testing.T) {
	d := newDialSlots(keepalive.RealClock{}, 1, time.Hour)
	r1, _ := acquireWithin(d, context.Background(), 5*time.Second)
	defer r1()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, ok := acquireWithin(d, ctx, 5*time.Second)
	if !ok {
		t.Fatal("a closing session kept waiting for a slot")
	}
	r() // a no-op: it holds nothing
	if _, ok := acquireWithin(d, context.Background(), 20*time.Millisecond); ok {
		t.Fatal("the no-op release of a cancelled wait freed the held slot")
	}
}
