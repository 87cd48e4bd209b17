package netwatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// Kind is what a Change reports.
type Kind int

const (
	// NetworkChanged: links, addresses or routes changed.
	NetworkChanged Kind = iota + 1
	// Resumed: the machine resumed from suspend.
	Resumed
)

// Change is one report of a Watcher.
type Change struct {
	Kind Kind
	At   time.Time // when it was reported (the Watcher's clock)
	// Events is how many raw network events a NetworkChanged folds in;
	// First describes the first of them, e.g. "address added on wlan0".
	Events int
	First  string
	// Slept is, for Resumed, how far the wall clock moved beyond the
	// monotonic clock: about how long the machine was suspended.
	Slept time.Duration
}

// Reason is the change in a few words, as a probe's verdict names it:
// "network changed" or "machine resumed from suspend".
func (c Change) Reason() string {
	if c.Kind == Resumed {
		return "machine resumed from suspend"
	}
	return "network changed"
}

// String describes the change for the log.
func (c Change) String() string {
	if c.Kind == Resumed {
		return fmt.Sprintf("machine resumed from suspend (about %s asleep)", c.Slept.Round(time.Second))
	}
	if c.Events > 1 {
		return fmt.Sprintf("network changed (%s, and %d more)", c.First, c.Events-1)
	}
	return fmt.Sprintf("network changed (%s)", c.First)
}

// Event is one raw network event of a Source.
type Event struct {
	What      string // e.g. "address added"; "" when unknown
	Interface int    // the index of the interface it is about; 0: none or unknown
}

// String is ev in words, e.g. "address added on eth0".
func (ev Event) String() string {
	what := ev.What
	if what == "" {
		what = "link, address or route changed"
	}
	if ev.Interface > 0 {
		if ifi, err := net.InterfaceByIndex(ev.Interface); err == nil {
			what += " on " + ifi.Name
		} else {
			what += fmt.Sprintf(" on interface %d", ev.Interface)
		}
	}
	return what
}

// Source delivers raw network events.
type Source interface {
	// Events carries one value per event. It is closed when the source
	// has stopped (after Close, or on a failure Err reports).
	Events() <-chan Event
	// Err is why the source stopped; nil after Close or while it runs.
	Err() error
	// Close stops the source; idempotent.
	Close() error
}

// Reading is one look at the clocks: the wall clock, and the monotonic
// time elapsed since some fixed start.
type Reading struct {
	Wall time.Time
	Mono time.Duration
}

// Defaults of Options.
const (
	DefaultQuiet        = 100 * time.Millisecond
	DefaultMaxDelay     = 500 * time.Millisecond
	DefaultSuspendCheck = 2 * time.Second
	DefaultSuspendJump  = 5 * time.Second
)

// Options configure a Watcher. The zero value watches the OS's network
// (Linux) and suspend, with the real clock and the defaults above.
type Options struct {
	// Source of network events; nil opens the OS's (OpenSource). Run
	// closes it.
	Source Source
	// NoNetwork turns the network source off (only suspend is watched).
	NoNetwork bool
	// Clock drives the debounce and the suspend checks; nil: real.
	Clock keepalive.Clock
	// Read returns the clocks for the suspend detector; nil: the real
	// wall and monotonic clocks.
	Read func() Reading
	// Quiet is how long a burst of network events must be quiet before
	// it is reported; MaxDelay bounds how long after its first event.
	Quiet, MaxDelay time.Duration
	// SuspendCheck is how often the clocks are compared; SuspendJump is
	// the least wall-over-monotonic step read as a suspend.
	SuspendCheck, SuspendJump time.Duration
	// Logger receives what the watcher notices; nil discards.
	Logger *slog.Logger
}

// Watcher reports network changes and resumes from suspend. Create it with
// New and run it with Run.
type Watcher struct {
	o Options
}

// New returns a Watcher with o's zero fields set to the defaults.
func New(o Options) *Watcher {
	if o.Clock == nil {
		o.Clock = keepalive.RealClock{}
	}
	if o.Read == nil {
		o.Read = realReader()
	}
	if o.Quiet <= 0 {
		o.Quiet = DefaultQuiet
	}
	if o.MaxDelay < o.Quiet {
		o.MaxDelay = max(DefaultMaxDelay, o.Quiet)
	}
	if o.SuspendCheck <= 0 {
		o.SuspendCheck = DefaultSuspendCheck
	}
	if o.SuspendJump <= 0 {
		o.SuspendJump = DefaultSuspendJump
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Watcher{o: o}
}

// realReader reads the real clocks: the monotonic time is measured from
// the reader's creation, the wall time has its monotonic reading stripped.
func realReader() func() Reading {
	base := time.Now()
	return func() Reading {
		now := time.Now()
		return Reading{Wall: now.Round(0), Mono: now.Sub(base)}
	}
}

// Run watches until ctx ends and calls notify with every Change, on Run's
// goroutine: notify must return quickly. When the network source cannot
// be opened or fails, that is logged and Run goes on watching suspend
// only; it returns nil when ctx ends. The source is closed before Run
// returns.
func (w *Watcher) Run(ctx context.Context, notify func(Change)) error {
	src := w.o.Source
	if src == nil && !w.o.NoNetwork {
		s, err := OpenSource()
		switch {
		case errors.Is(err, ErrUnsupported):
		case err != nil:
			w.o.Logger.Warn("network changes are not watched; links are checked by their heartbeat alone", "err", err)
		default:
			src = s
		}
	}
	var events <-chan Event
	if src != nil {
		defer src.Close()
		events = src.Events()
	}

	clk := w.o.Clock
	check := clk.NewTimer(w.o.SuspendCheck)
	defer check.Stop()
	last := w.o.Read()

	var (
		burst   Timer // the debounce timer; nil until the first event
		burstC  <-chan time.Time
		inBurst bool
		burstAt time.Time // the burst's first event
		count   int       // events in the burst
		first   string    // the first event's description
	)
	defer func() {
		if burst != nil {
			burst.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				if err := src.Err(); err != nil {
					w.o.Logger.Warn("watching network changes stopped; links are checked by their heartbeat alone", "err", err)
				}
				continue
			}
			now := clk.Now()
			if !inBurst {
				inBurst, burstAt, count, first = true, now, 0, ev.String()
			}
			count++
			d := min(w.o.Quiet, burstAt.Add(w.o.MaxDelay).Sub(now))
			if burst == nil {
				burst = clk.NewTimer(d)
			} else {
				burst.Stop()
				burst.Reset(d)
			}
			burstC = burst.C()
		case <-burstC:
			burstC, inBurst = nil, false
			c := Change{Kind: NetworkChanged, At: clk.Now(), Events: count, First: first}
			w.o.Logger.Info(c.String())
			notify(c)
		case <-check.C():
			now := w.o.Read()
			if slept := slept(last, now); slept >= w.o.SuspendJump {
				c := Change{Kind: Resumed, At: clk.Now(), Slept: slept}
				w.o.Logger.Info(c.String())
				notify(c)
			}
			last = now
			check.Reset(w.o.SuspendCheck)
		}
	}
}

// Timer is the timer of the Clock.
type Timer = keepalive.Timer

// slept is how far the wall clock moved beyond the monotonic clock from a
// to b: the time the machine spent suspended, when that is what happened.
func slept(a, b Reading) time.Duration {
	return b.Wall.Sub(a.Wall) - (b.Mono - a.Mono)
}
