package netwatch_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive/clocktest"
	"github.com/sshdash/sshdash/netwatch"
)

// guard bounds every wait, so a broken watcher fails instead of hanging.
const guard = 10 * time.Second

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// fakeSource is a Source whose events the test sends.
type fakeSource struct {
	ch   chan netwatch.Event
	err  error
	once sync.Once
}

func newFakeSource() *fakeSource { return &fakeSource{ch: make(chan netwatch.Event)} }

func (f *fakeSource) Events() <-chan netwatch.Event { return f.ch }
func (f *fakeSource) Err() error                    { return f.err }
func (f *fakeSource) Close() error                  { f.once.Do(func() { close(f.ch) }); return nil }

// fail stops the source with err, as a broken socket would.
func (f *fakeSource) fail(err error) { f.err = err; f.Close() }

// rig runs a Watcher on a fake source, clock and clock readings.
type rig struct {
	t       *testing.T
	clk     *clocktest.Clock
	src     *fakeSource
	slept   atomic.Int64 // nanoseconds the fake wall clock is ahead of the monotonic one
	changes chan netwatch.Change
	done    chan error
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, clk: clocktest.New(t0), src: newFakeSource(), changes: make(chan netwatch.Change, 100), done: make(chan error, 1)}
	w := netwatch.New(netwatch.Options{
		Source: r.src,
		Clock:  r.clk,
		Read: func() netwatch.Reading {
			now := r.clk.Now()
			return netwatch.Reading{Wall: now.Add(time.Duration(r.slept.Load())), Mono: now.Sub(t0)}
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- w.Run(ctx, func(c netwatch.Change) { r.changes <- c }) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(guard):
			t.Error("Run did not return after cancel")
		}
	})
	r.clk.BlockUntil(1) // the suspend check
	return r
}

// event sends one raw event and waits until the debounce timer is armed
// for it (its deadline is no earlier than now + want).
func (r *rig) event(what string, want time.Duration) {
	r.t.Helper()
	select {
	case r.src.ch <- netwatch.Event{What: what}:
	case <-time.After(guard):
		r.t.Fatal("the watcher does not read events")
	}
	deadline := time.Now().Add(guard)
	for {
		if r.clk.Timers() == 2 {
			if d, ok := r.clk.NextDeadline(); ok && !d.Before(r.clk.Now().Add(min(want, netwatch.DefaultSuspendCheck))) {
				return
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("debounce timer not armed for %s after %q", want, what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *rig) next() netwatch.Change {
	r.t.Helper()
	select {
	case c := <-r.changes:
		return c
	case <-time.After(guard):
		r.t.Fatal("no change reported")
	}
	return netwatch.Change{}
}

func (r *rig) none() {
	r.t.Helper()
	time.Sleep(20 * time.Millisecond) // the watcher's goroutine handles what fell due
	select {
	case c := <-r.changes:
		r.t.Fatalf("unexpected change at %s: %+v", r.clk.Now().Sub(t0), c)
	default:
	}
}

// TestBurstReportedOnce: an interface going down sends a burst of
// messages; it is reported once, Quiet after its last event.
func TestBurstReportedOnce(t *testing.T) {
	r := newRig(t)
	r.event("link changed on wlan0", netwatch.DefaultQuiet)
	for i := 0; i < 4; i++ {
		r.clk.Advance(20 * time.Millisecond)
		r.event("address removed on wlan0", netwatch.DefaultQuiet)
	}
	r.clk.Advance(netwatch.DefaultQuiet - time.Millisecond)
	r.none()
	r.clk.Advance(time.Millisecond)
	c := r.next()
	if c.Kind != netwatch.NetworkChanged || c.Events != 5 || c.First != "link changed on wlan0" {
		t.Fatalf("change %+v, want one NetworkChanged of 5 events starting with the link", c)
	}
	if want := t0.Add(80*time.Millisecond + netwatch.DefaultQuiet); !c.At.Equal(want) {
		t.Errorf("reported at %s, want %s", c.At.Sub(t0), want.Sub(t0))
	}
	if c.Reason() != "network changed" || c.String() != "network changed (link changed on wlan0, and 4 more)" {
		t.Errorf("Reason %q, String %q", c.Reason(), c.String())
	}
	r.clk.Advance(time.Second)
	r.none()
	// The next event starts a new burst.
	r.event("route added", netwatch.DefaultQuiet)
	r.clk.Advance(netwatch.DefaultQuiet)
	if c := r.next(); c.Events != 1 || c.First != "route added" {
		t.Fatalf("second burst %+v", c)
	}
}

// TestEndlessBurstReportedEveryMaxDelay: events that never stop (a
// flapping link) are still reported, at most MaxDelay after the first.
func TestEndlessBurstReportedEveryMaxDelay(t *testing.T) {
	r := newRig(t)
	start := r.clk.Now()
	r.event("link changed", netwatch.DefaultQuiet)
	var got []netwatch.Change
	for i := 1; i <= 20; i++ {
		r.clk.Advance(50 * time.Millisecond)
		select {
		case c := <-r.changes:
			got = append(got, c)
		case <-time.After(20 * time.Millisecond):
		}
		r.event("link changed", 0)
	}
	for len(got) < 2 {
		got = append(got, r.next())
	}
	if !got[0].At.Equal(start.Add(netwatch.DefaultMaxDelay)) {
		t.Fatalf("first report at %s, want %s after the first event", got[0].At.Sub(start), netwatch.DefaultMaxDelay)
	}
	if got[0].Events != 10 { // at 0, 50 … 450 ms
		t.Errorf("first report folds %d events, want 10", got[0].Events)
	}
}

// TestResumeFromSuspend: a wall clock that moved well beyond the
// monotonic one between two checks is a resume; small steps are not.
func TestResumeFromSuspend(t *testing.T) {
	r := newRig(t)
	r.clk.Advance(netwatch.DefaultSuspendCheck)
	r.clk.BlockUntil(1)
	r.none()
	r.slept.Store(int64(3 * time.Second)) // an NTP step: below SuspendJump
	r.clk.Advance(netwatch.DefaultSuspendCheck)
	r.none()
	r.slept.Add(int64(42 * time.Minute))
	r.clk.Advance(netwatch.DefaultSuspendCheck)
	c := r.next()
	if c.Kind != netwatch.Resumed || c.Slept != 42*time.Minute {
		t.Fatalf("change %+v, want Resumed after 42m", c)
	}
	if c.Reason() != "machine resumed from suspend" {
		t.Errorf("Reason %q", c.Reason())
	}
	// Once: the next check compares with the resumed clocks.
	r.clk.Advance(netwatch.DefaultSuspendCheck)
	r.none()
}

// TestSourceFailureKeepsSuspendWatch: a network source that breaks
// leaves the suspend detector running.
func TestSourceFailureKeepsSuspendWatch(t *testing.T) {
	r := newRig(t)
	r.src.fail(errors.New("socket broke"))
	r.none()
	r.slept.Store(int64(time.Hour))
	r.clk.Advance(netwatch.DefaultSuspendCheck)
	if c := r.next(); c.Kind != netwatch.Resumed {
		t.Fatalf("change %+v, want Resumed", c)
	}
}
