package keepalive

import "time"

// Clock is the source of time for the heartbeat engine and the session
// layer. Production code uses RealClock; tests inject a fake.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// Timer is the subset of *time.Timer the engine needs.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it was active.
	Stop() bool
	// Reset changes the timer to fire after d.
	Reset(d time.Duration)
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer wraps time.NewTimer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

// C returns the timer's channel.
func (r realTimer) C() <-chan time.Time { return r.t.C }

// Stop stops the timer (see time.Timer.Stop).
func (r realTimer) Stop() bool { return r.t.Stop() }

// Reset re-arms the timer (see time.Timer.Reset).
func (r realTimer) Reset(d time.Duration) { r.t.Reset(d) }
