package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// exitCloseDeadline bounds closing every session when sshdash leaves:
// ending the remote shells is best effort, and the user's terminal is
// given back within this bound whatever the network does. It is below the
// 3 s promised from the user's "y" to the process's exit: handling the key,
// restoring the terminal and exiting take the rest, more of it on a loaded
// machine.
const exitCloseDeadline = 2500 * time.Millisecond

// teardownReserve is the part of the bound kept for the sessions' local
// teardown: ending remote tmux sessions is given up this long before the
// bound, so that a session whose cleanup was abandoned still records what
// it left on its server (for the next connection to end) before sshdash
// exits. Whatever is still open at the bound ends with the process: the
// kernel closes its connections and the servers hang up their shells.
const teardownReserve = 750 * time.Millisecond

// allCloser closes every session of a Manager once, in the background
// (Manager.CloseAll closes them in parallel and gives up the remote cleanup
// at its context's deadline), and lets the dashboard's quit and the
// commands' exit paths wait for that one close, all within the same
// deadline, counted from the first request.
type allCloser struct {
	closeAll func(context.Context) error
	trace    *quitTrace    // logs when the close starts and ends; nil: not logged
	onStart  func()        // run once as the close starts (the app stops the GC); nil: nothing
	bound    time.Duration // how long the exit paths wait, from the first request
	once     sync.Once
	deadline time.Time     // the exit paths wait until then; set by once
	done     chan struct{} // closed when closeAll has returned
	err      error         // closeAll's result; read after done
	left     atomic.Bool   // the user quit leaving the sessions running: onExit closes nothing
}

// leaveRunning makes onExit close nothing: the user asked to leave the
// remote shells running, to resume later.
func (c *allCloser) leaveRunning() { c.left.Store(true) }

func newAllCloser(closeAll func(context.Context) error, bound time.Duration) *allCloser {
	return &allCloser{closeAll: closeAll, bound: bound, done: make(chan struct{})}
}

func (c *allCloser) start() {
	c.once.Do(func() {
		c.deadline = time.Now().Add(c.bound)
		c.trace.mark("closing every session")
		if c.onStart != nil {
			c.onStart()
		}
		cleanup := c.deadline
		if c.bound > 2*teardownReserve {
			cleanup = cleanup.Add(-teardownReserve)
		}
		go func() {
			ctx, cancel := context.WithDeadline(context.Background(), cleanup)
			defer cancel()
			c.err = c.closeAll(ctx)
			c.trace.mark("every session closed")
			close(c.done)
		}()
	})
}

// wait starts the close if needed and waits for it until ctx is done or
// the bound has passed; it returns the close's error, or one wrapping
// ctx's.
func (c *allCloser) wait(ctx context.Context) error {
	c.start()
	ctx, cancel := context.WithDeadline(ctx, c.deadline)
	defer cancel()
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return fmt.Errorf("close sessions: gave up waiting: %w", ctx.Err())
	}
}

// onExit is for a command's exit path: the close, waited for until the
// deadline of the first request (so a quit that already waited does not
// wait again).
func (c *allCloser) onExit() {
	if c.left.Load() {
		return
	}
	_ = c.wait(context.Background()) // wait bounds it by the first request's deadline
}

// closer returns the app's allCloser for its Manager.
func (a *app) closer() *allCloser {
	a.closerOnce.Do(func() {
		a.allCloser = newAllCloser(a.mgr.CloseAll, exitCloseDeadline)
		a.allCloser.trace = a.quit
		a.allCloser.onStart = stopGCForExit
	})
	return a.allCloser
}
