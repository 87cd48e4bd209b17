package clocktest

import (
	"context"
	"sync"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Clock is a fake keepalive.Clock whose time moves only on Advance. It is
// safe for concurrent use.
type Clock struct {
	mu      sync.Mutex // guards now, active and changed
	now     time.Time
	active  map[*timer]struct{} // armed timers, not yet fired or stopped
	changed chan struct{}       // closed (and replaced) when active changes
}

var _ keepalive.Clock = (*Clock)(nil)

// New returns a fake clock reading start.
func New(start time.Time) *Clock {
	return &Clock{now: start, active: map[*timer]struct{}{}, changed: make(chan struct{})}
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the fake time reaches Now()+d;
// d <= 0 fires at once. Like time.Timer since Go 1.23, Stop and Reset
// discard a value that fired but was not yet received.
func (c *Clock) NewTimer(d time.Duration) keepalive.Timer {
	t := &timer{c: c, ch: make(chan time.Time, 1)}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arm(t, d)
	return t
}

// Advance moves the fake time forward by d, firing every timer that falls
// due, in deadline order, with the time set to each one's deadline as it
// fires. It does not wait for anyone to receive from a fired timer.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.now.Add(d)
	for {
		var next *timer
		for t := range c.active {
			if !t.when.After(target) && (next == nil || t.when.Before(next.when)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		if next.when.After(c.now) {
			c.now = next.when
		}
		c.fire(next)
	}
	c.now = target
}

// Timers returns how many timers are armed (created or Reset, and neither
// fired nor stopped).
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.active)
}

// NextDeadline returns the earliest deadline of an armed timer.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var when time.Time
	found := false
	for t := range c.active {
		if !found || t.when.Before(when) {
			when, found = t.when, true
		}
	}
	return when, found
}

// BlockUntil waits until at least n timers are armed.
func (c *Clock) BlockUntil(n int) {
	_ = c.BlockUntilContext(context.Background(), n)
}

// BlockUntilContext waits until at least n timers are armed or ctx is done,
// and then returns ctx.Err().
func (c *Clock) BlockUntilContext(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		ok, ch := len(c.active) >= n, c.changed
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// arm schedules t; c.mu must be held.
func (c *Clock) arm(t *timer, d time.Duration) {
	t.when = c.now.Add(d)
	if d <= 0 {
		c.fire(t)
		return
	}
	c.active[t] = struct{}{}
	c.notify()
}

// fire delivers t's value and disarms it; c.mu must be held.
func (c *Clock) fire(t *timer) {
	delete(c.active, t)
	select {
	case t.ch <- t.when:
	default:
	}
	c.notify()
}

// disarm removes t, discarding an undelivered value, and reports whether t
// was armed; c.mu must be held.
func (c *Clock) disarm(t *timer) bool {
	_, was := c.active[t]
	delete(c.active, t)
	select {
	case <-t.ch:
	default:
	}
	if was {
		c.notify()
	}
	return was
}

// notify wakes BlockUntil callers; c.mu must be held.
func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// timer is one fake timer; its fields are guarded by c.mu.
type timer struct {
	c    *Clock
	ch   chan time.Time
	when time.Time
}

// C is the channel the timer fires on.
func (t *timer) C() <-chan time.Time { return t.ch }

// Stop disarms the timer and reports whether it was armed.
func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	return t.c.disarm(t)
}

// Reset re-arms the timer to fire d after the fake now.
func (t *timer) Reset(d time.Duration) {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	t.c.disarm(t)
	t.c.arm(t, d)
}
