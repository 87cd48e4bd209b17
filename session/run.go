package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

var (
	errClosedByUser       = errors.New("closed by the user")
	errReconnectRequested = errors.New("reconnect requested")
	errSessionEnded       = errors.New("session ended")
)

// killTimeout bounds ending the remote tmux session when the user closes
// a session; a dead link must not make closing hang.
const killTimeout = 3 * time.Second

// markerWait bounds how long serve waits for a new shell to say how it was
// attached before it shows the session Up; a marker that comes later (a
// slow login profile, a slow tmux start) is still taken when it arrives.
const markerWait = 10 * time.Second

// run is the session's lifecycle: connect, serve, and after a drop,
// reconnect with backoff, until closed or failed. It owns the session's
// goroutine tree and closes done last.
//
// Every failed attempt that reached the server counts for the backoff:
// a handshake that failed, a session channel, PTY or shell refused after
// login, a link that ended before it was usable. The same refusal
// maxRefusals times in a row ends in Failed. A session that was never up
// fails at its first failure unless Options.RetryFirst is set.
func (s *Session) run() {
	defer close(s.done)
	// No output is announced once the session has ended.
	defer s.stopOutputAnnouncer()
	// However the session ends, its context ends with it: that stops
	// anything still tied to the session.
	defer s.cancel(errSessionEnded)

	b := s.opts.Backoff
	if b.Base == 0 && b.Max == 0 {
		b = DefaultBackoff()
	}
	var f failures
	attempt := 0 // attempts since the last drop (for display)
	var downSince time.Time
	s.mu.Lock()
	if s.everUp {
		downSince = s.status.DownSince // restarted after failing: the link is still down since then
	}
	s.mu.Unlock()
	for {
		attempt++
		if s.tookNetKick() {
			f.backoff = 0 // the network the earlier attempts failed on has changed
		}
		reconnecting := !downSince.IsZero()
		l, err := s.connect(reconnecting, attempt)
		if err != nil {
			if s.ctx.Err() != nil {
				s.finish(nil, false)
				return
			}
			if IsPermanent(err) || !s.retries() {
				s.fail(err)
				return
			}
			var delay time.Duration
			if failedBeforeServer(err) {
				// Nothing reached the server: probing again is cheap, and
				// frequent probes notice a restored network quickly.
				delay = b.ProbeEvery
			} else {
				f.backoff++
				delay = b.Delay(f.backoff)
			}
			if downSince.IsZero() {
				downSince = s.clock.Now()
			}
			if !s.retryAfter(attempt, delay, downSince, err) {
				s.finish(nil, false)
				return
			}
			continue
		}

		s.clearNetKick()
		upAt := s.clock.Now()
		res := s.serve(l, downSince, upAt)
		if res.exited {
			s.finish(nil, true)
			return
		}
		if s.ctx.Err() != nil {
			l.close(errClosedByUser)
			s.finish(nil, false)
			return
		}
		l.close(res.cause)
		upFor := s.clock.Now().Sub(upAt)
		if b.Reset(upFor) {
			f = failures{}
		} else if res.up && upFor >= usableAfter {
			f.worked()
		}
		if res.up {
			attempt = 0
			downSince = s.clock.Now()
			dc := ClassifyDrop(res.cause)
			s.setState(Dropped, "", res.cause, func(st *Status) {
				st.DownSince, st.Attempt, st.NextAttempt = downSince, 0, downSince
				st.DropCause = dc
			})
			s.logMark("dropped: %v%s", res.cause, dc.logSuffix())
			if s.endsOnDrop(res.cause) {
				s.fail(&NoTTYDropError{Alias: s.opts.Alias, Err: res.cause})
				return
			}
		} else if downSince.IsZero() {
			downSince = s.clock.Now()
		}
		failed := true // this attempt counts as failed: back off before the next
		switch {
		case errors.Is(res.cause, errReconnectRequested):
			failed = false // asked for: reconnect at once
		case res.refused:
			n := f.refused(res.cause)
			if !s.retries() {
				s.fail(res.cause)
				return
			}
			if n >= maxRefusals {
				s.fail(&RefusedError{Count: n, Err: res.cause})
				return
			}
		case !res.up:
			if !s.retries() {
				s.fail(res.cause)
				return
			}
			f.backoff++
		case upFor < usableAfter && !lostByNetwork(res.cause):
			// Up, then ended by the server (or a middlebox) at once: a
			// failed attempt, or a server that drops every login would be
			// logged into in a tight loop.
			f.backoff++
		default:
			failed = false // a drop of a working link is retried at once
		}
		if failed && !s.retryAfter(attempt, b.Delay(f.backoff), downSince, res.cause) {
			s.finish(nil, false)
			return
		}
	}
}

// retryAfter shows the session as reconnecting until the next attempt in
// delay, logs the failed attempt and waits; false means it is closing.
func (s *Session) retryAfter(attempt int, delay time.Duration, downSince time.Time, cause error) bool {
	next := s.clock.Now().Add(delay)
	s.setState(Reconnecting, "", cause, func(st *Status) {
		st.Attempt, st.NextAttempt, st.DownSince = attempt, next, downSince
	})
	s.logAttempt(attempt, cause)
	return s.wait(delay)
}

// wait sleeps for d, cut short by a reconnect request; it returns false when
// the session is being closed.
func (s *Session) wait(d time.Duration) bool {
	if d <= 0 {
		return s.ctx.Err() == nil
	}
	t := s.clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-s.retryNow:
		return true
	case <-s.netKick:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// finish publishes the terminal Closed state.
func (s *Session) finish(cause error, exited bool) {
	s.mu.Lock()
	if cause == nil {
		cause = s.closeCause
	}
	status := s.exitStatus
	s.live = nil
	s.mu.Unlock()
	s.opts.Secrets.Forget()
	if exited {
		s.logMark("the remote shell exited with status %d", status)
		if s.opts.Observer != nil {
			s.opts.Observer.Exited(status)
		}
	} else {
		s.leaveRemoteForLater(errors.Is(context.Cause(s.ctx), errClosedByUser))
		s.logMark("closed")
	}
	s.closeRecorder() // complete on disk before anyone sees Closed
	s.setState(Closed, "", cause, func(st *Status) { st.ExitStatus = status; st.NextAttempt = time.Time{} })
}

// connect makes one connection attempt.
func (s *Session) connect(reconnecting bool, attempt int) (*link, error) {
	state := Connecting
	if reconnecting {
		state = Reconnecting
	}
	s.setState(state, StageTCP, nil, func(st *Status) { st.Attempt, st.NextAttempt = attempt, time.Time{} })
	hb := s.heartbeat()
	l := &link{act: keepalive.NewActivity(s.clock), pace: &s.pace, tcpKeepAlive: s.opts.TCPKeepAlive}
	release := func() {}
	if !reconnecting {
		release = s.dials.acquire(s.ctx)
	}
	defer release()
	hooks := DialHooks{
		OnStage: func(stage Stage) { s.setState(state, stage, nil, nil) },
		Ask: func(ctx context.Context, p *Prompt) ([]string, error) {
			release() // the user may take their time: let the next dial start
			s.setState(NeedsYou, "", nil, nil)
			s.pub.publish(PromptRequested{ID: s.id, Prompt: p})
			ans, err := p.Wait(ctx)
			s.setState(state, StageAuth, nil, nil)
			return ans, err
		},
		WrapConn:  l.wrap,
		Heartbeat: hb,
		Fast:      reconnecting,
	}
	client, closer, err := s.opts.Dial(s.ctx, hooks)
	release()
	if err != nil {
		return nil, err // the connect layer's errors already name the host and route
	}
	l.client, l.closer = client, closer
	l.setTCP(hb)
	l.established()
	return l, nil
}

type serveResult struct {
	exited  bool  // the remote shell exited (the session is over)
	cause   error // why the link ended otherwise
	up      bool  // the link was announced Up
	refused bool  // the server refused the shell after login, or it ended at once while the server still answered
}

// heartbeatAlign bounds how far every session's heartbeat checkpoints
// are rounded up (keepalive.Monitor.Align): to multiples of a twentieth of
// the interval, at most heartbeatAlign, so an interval grows by at most
// 5% (250 ms of the default 5 s). With a thousand sessions the heartbeats
// due within the same quarter second go out in one wakeup of the process,
// and their replies arrive while it is still awake: each time the process
// falls idle and wakes again costs more than the heartbeat itself (the Go
// scheduler's and the kernel's work). Rounding to 50 ms cost more idle
// CPU at a thousand sessions (BENCHMARKS.md, third pass).
const heartbeatAlign = 250 * time.Millisecond

// alignFor is the rounding for heartbeats every interval.
func alignFor(interval time.Duration) time.Duration {
	return min(heartbeatAlign, interval/20)
}

// serve runs one established link until it ends. Teardown closes the
// transport, the shell and the tunnels' listeners and connections first,
// and only then waits for the goroutines, none of which can then block.
func (s *Session) serve(l *link, downSince, upAt time.Time) (res serveResult) {
	linkCtx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	hb := s.heartbeat()
	l.mon = keepalive.NewMonitor(l.client, l.act, l.close, hb, s.clock)
	// The monitor reports on its own goroutine: one wakeup fewer per
	// heartbeat, which counts with a thousand sessions.
	l.mon.Notify(s.heartbeatUpdate)
	align := alignFor(hb.Interval)
	if s.opts.heartbeatAlign != 0 {
		align = s.opts.heartbeatAlign
	}
	l.mon.Align(align)
	monDone := make(chan error, 1)
	go func() { monDone <- l.mon.Run(linkCtx) }()
	pumpDone := make(chan struct{})
	var scanDone chan struct{} // closed when scanRemote has ended; nil: not started
	stopTunnels := func() {}
	cleanDone := make(chan struct{}) // ending remote sessions left on this host (endLeftRemotes)
	close(cleanDone)
	defer func() {
		cause := res.cause
		if cause == nil {
			cause = errors.New("link ended")
		}
		l.close(cause) // transport and shell first: every Dial and read over them returns
		cancel()       // then listeners and tunnel connections
		stopTunnels()
		<-pumpDone
		<-monDone
		<-cleanDone
		if scanDone != nil {
			<-scanDone
		}
	}()

	shellDone := make(chan error, 1) // the tunnel-only link ended
	var shellEnded <-chan struct{}   // the shell ended
	method := make(chan string, 1)
	if s.opts.TunnelOnly {
		close(pumpDone)
		go func() { shellDone <- fmt.Errorf("connection closed: %w", l.client.Wait()) }()
		method <- "tunnel"
	} else {
		s.setState(stateWhileConnecting(downSince), StageShell, nil, nil)
		if err := s.startShell(l); err != nil {
			// A refusal if the server still answers; a network failure
			// (counted for the backoff all the same) if not. The deferred
			// teardown closes the link.
			refused := s.ctx.Err() == nil && s.serverAnswers(l)
			close(pumpDone)
			return serveResult{cause: err, refused: refused}
		}
		go func() { defer close(pumpDone); s.pumpOutput(l, method) }()
		shellEnded = l.shell.Done() // no goroutine of its own to wait for it
	}

	stopTunnels = s.startForwards(linkCtx, l)

	var m string
	var lateMethod <-chan string // the marker still awaited after the wait; nil otherwise
	wait := markerWait
	if s.opts.markerWait > 0 {
		wait = s.opts.markerWait
	}
	t := s.clock.NewTimer(wait)
	select {
	case m = <-method:
	case <-t.C():
		lateMethod = method
		m = methodPending
	case <-s.ctx.Done():
	}
	t.Stop()
	// Only once the wrapper has said it runs under tmux or screen: a
	// server that did not run it (a ForceCommand, say) would run the
	// listing's exec as it ran the wrapper's.
	if wrapperRan(m) && s.takeRemoteScan() {
		scanDone = make(chan struct{})
		go func() { defer close(scanDone); s.scanRemote(linkCtx, l.client) }()
	}

	s.mu.Lock()
	s.live = l
	first := !s.everUp
	s.everUp = true
	prevMethod := s.lastMethod
	s.lastMethod = m
	s.mu.Unlock()
	s.announceUp(m, prevMethod, first, downSince, upAt)
	// A probe that went late before the link was announced Up left the
	// state alone; show it now.
	s.reapplyHeartbeat(l.mon)
	shownUp := s.clock.Now()
	if left := s.cleanup.takeFor(s.opts.Alias, s.opts.TunnelOnly); len(left) > 0 {
		cleanDone = make(chan struct{})
		go func() { defer close(cleanDone); s.endLeftRemotes(linkCtx, l, left) }()
	}

	monitor := (<-chan error)(monDone) // nil once the monitor has ended
	for {
		select {
		case <-shellEnded:
			_, err := l.shell.Wait() // returns at once
			return s.shellEnded(l, err, shownUp)
		case err := <-shellDone:
			return s.shellEnded(l, err, shownUp)
		case err := <-monitor:
			monDone <- err // for the deferred wait
			monitor = nil
			if err != nil {
				l.close(err)
				return serveResult{cause: err, up: true}
			}
		case m := <-lateMethod:
			lateMethod = nil
			s.mu.Lock()
			s.lastMethod = m
			if m != "" {
				s.status.Reattach = reattachName(m)
			}
			s.mu.Unlock()
			s.announceMethod(m, prevMethod, first, upAt.Sub(downSince))
		case <-s.retryNow:
			return serveResult{cause: errReconnectRequested, up: true}
		case <-s.ctx.Done():
			if errors.Is(context.Cause(s.ctx), errClosedByUser) {
				// Closed on purpose: end the remote tmux/screen session
				// while the link is still up, so nothing is left running.
				kctx, kcancel := context.WithTimeout(s.cleanupCtx, killTimeout)
				if err := s.killRemote(kctx, l); err != nil {
					s.mu.Lock()
					if s.closeErr == nil {
						s.closeErr = err
					}
					s.mu.Unlock()
				} else {
					s.markRemoteEnded()
				}
				kcancel()
			}
			return serveResult{cause: context.Cause(s.ctx), up: true}
		}
	}
}

// shellEnded is serve's result when the shell (or, tunnel-only, the
// connection) has ended with err.
func (s *Session) shellEnded(l *link, err error, shownUp time.Time) serveResult {
	if status, exited := exitStatusOf(l.shell); exited && l.err() == nil {
		s.mu.Lock()
		s.exitStatus = status
		s.mu.Unlock()
		return serveResult{exited: true, up: true}
	}
	cause := linkCause(l, err)
	// A shell gone at once without a status while the server still
	// answers was refused, as much as a shell request answered no.
	refused := l.err() == nil && s.clock.Now().Sub(shownUp) < usableAfter && s.serverAnswers(l)
	return serveResult{cause: cause, up: true, refused: refused}
}

func stateWhileConnecting(downSince time.Time) State {
	if downSince.IsZero() {
		return Connecting
	}
	return Reconnecting
}

// linkCause explains why a link ended: the heartbeat's verdict if it
// killed the link, else the transport's error.
func linkCause(l *link, err error) error {
	if c := l.err(); c != nil {
		return c
	}
	if err == nil {
		return errClosedByServer
	}
	return lostWith(l, err)
}
