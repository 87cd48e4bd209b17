package main

import (
	"context"
	"errors"
	"runtime"
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

// The dashboard's wait ends by the closer's bound even when its own
// context has none, and the remote cleanup is given up teardownReserve
// before that bound, leaving the sessions the rest to finish locally.
func TestAllCloserWaitBoundedCleanupFirst(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	cleanupEnd := make(chan time.Duration, 1)
	bound := 2 * time.Second
	var started atomic.Bool
	start := time.Now()
	c := newAllCloser(func(ctx context.Context) error {
		<-ctx.Done()
		cleanupEnd <- time.Since(start)
		<-release // local teardown that never ends
		return nil
	}, bound)
	c.onStart = func() { started.Store(true) }
	watchdog := time.AfterFunc(bound+10*time.Second, func() {
		buf := make([]byte, 1<<20)
		panic("wait did not end by its bound; goroutines:\n" + string(buf[:runtime.Stack(buf, true)]))
	})
	defer watchdog.Stop()
	err := c.wait(context.Background())
	waited := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait = %v, want the bound's deadline", err)
	}
	if waited < bound {
		t.Fatalf("wait returned after %v, before the %v bound", waited, bound)
	}
	if !started.Load() {
		t.Fatal("onStart did not run as the close started")
	}
	if end := <-cleanupEnd; end >= bound-teardownReserve/2 {
		t.Fatalf("the cleanup's context ended %v after the start, want about %v (the bound less teardownReserve)", end, bound-teardownReserve)
	}
}
