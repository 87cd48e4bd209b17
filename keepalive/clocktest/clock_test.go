package clocktest_test

import (
	"context"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive/clocktest"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestAdvanceFiresInOrder(t *testing.T) {
	c := clocktest.New(start)
	a := c.NewTimer(2 * time.Second)
	b := c.NewTimer(time.Second)
	if c.Timers() != 2 {
		t.Fatalf("Timers = %d", c.Timers())
	}
	if when, ok := c.NextDeadline(); !ok || !when.Equal(start.Add(time.Second)) {
		t.Errorf("NextDeadline = %v, %v", when, ok)
	}
	c.Advance(500 * time.Millisecond)
	select {
	case <-b.C():
		t.Fatal("fired early")
	default:
	}
	c.Advance(3 * time.Second)
	if got := <-b.C(); !got.Equal(start.Add(time.Second)) {
		t.Errorf("b fired with %v", got)
	}
	if got := <-a.C(); !got.Equal(start.Add(2 * time.Second)) {
		t.Errorf("a fired with %v", got)
	}
	if !c.Now().Equal(start.Add(3500 * time.Millisecond)) {
		t.Errorf("Now = %v", c.Now())
	}
	if c.Timers() != 0 {
		t.Errorf("fired timers still armed: %d", c.Timers())
	}
}

func TestStopAndResetDiscardStaleValues(t *testing.T) {
	c := clocktest.New(start)
	tm := c.NewTimer(time.Second)
	c.Advance(time.Second) // fired, not received
	if tm.Stop() {
		t.Error("Stop of a fired timer reported active")
	}
	select {
	case <-tm.C():
		t.Error("stale value after Stop")
	default:
	}
	tm.Reset(time.Second)
	if !tm.Stop() {
		t.Error("Stop of an armed timer reported inactive")
	}
	c.Advance(time.Hour)
	select {
	case <-tm.C():
		t.Error("stopped timer fired")
	default:
	}
	tm.Reset(0) // fires at once
	select {
	case <-tm.C():
	default:
		t.Error("Reset(0) did not fire")
	}
}

func TestBlockUntil(t *testing.T) {
	c := clocktest.New(start)
	armed := make(chan struct{})
	go func() {
		c.NewTimer(time.Minute)
		close(armed)
	}()
	c.BlockUntil(1)
	<-armed
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.BlockUntilContext(ctx, 2); err == nil {
		t.Error("BlockUntilContext with a done context returned nil")
	}
}
