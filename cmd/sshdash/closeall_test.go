package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// Quitting with servers that never answer: the dashboard's wait and the
// exit paths' waits all end by one deadline, counted from the first
// request, and the sessions are closed once.
func TestAllCloserBoundedAndOnce(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	c := newAllCloser(func(context.Context) error { calls.Add(1); <-release; return nil }, 300*time.Millisecond)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait = %v, want the deadline", err)
	}
	c.onExit() // the dashboard's exit path
	c.onExit() // connect's, after it
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("quitting took %v with a 300ms bound", d)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("CloseAll ran %d times, want once", n)
	}
}

// When every session closes in time, the close's own result comes back.
func TestAllCloserReturnsResult(t *testing.T) {
	boom := errors.New("web1: close: broken pipe")
	c := newAllCloser(func(context.Context) error { return boom }, time.Minute)
	if err := c.wait(context.Background()); !errors.Is(err, boom) {
		t.Fatalf("wait = %v, want %v", err, boom)
	}
	c.onExit()
}
