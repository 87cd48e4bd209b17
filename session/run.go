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

// markerWait bounds how long a new shell may take to say how it was
// attached before the session assumes a plain shell.
const markerWait = 10 * time.Second

// run is the session's lifecycle: connect, serve, and after a drop,
// reconnect with backoff, until closed or failed. It owns the session's
// goroutine tree and closes done last.
func (s *Session) run() {
	defer close(s.done)
	announceDone := make(chan struct{})
	go func() { defer close(announceDone); s.announceOutput() }()
	defer func() { <-announceDone }()
	// However the session ends, its context ends with it: that stops the
	// announcer and anything else still tied to the session.
	defer s.cancel(errSessionEnded)

	b := s.opts.Backoff
	if b.Base == 0 && b.Max == 0 {
		b = DefaultBackoff()
	}
	sshFailures := 0 // failed attempts that reached the server (these back off)
	attempt := 0     // attempts since the last drop (for display)
	var downSince time.Time
	for {
		attempt++
		reconnecting := !downSince.IsZero()
		l, err := s.connect(reconnecting, attempt)
		if err != nil {
			if s.ctx.Err() != nil {
				s.finish(nil, false)
				return
			}
			if IsPermanent(err) {
				s.setState(Failed, "", err, func(st *Status) { st.NextAttempt = time.Time{} })
				s.logf("failed: %v", err)
				return
			}
			var delay time.Duration
			if failedBeforeServer(err) {
				// Nothing reached the server: probing again is cheap, and
				// frequent probes notice a restored network quickly.
				delay = b.ProbeEvery
			} else {
				sshFailures++
				delay = b.Delay(sshFailures)
			}
			if downSince.IsZero() {
				downSince = s.clock.Now()
			}
			next := s.clock.Now().Add(delay)
			s.setState(Reconnecting, "", err, func(st *Status) {
				st.Attempt, st.NextAttempt, st.DownSince = attempt, next, downSince
			})
			s.logAttempt(attempt, err)
			if !s.wait(delay) {
				s.finish(nil, false)
				return
			}
			continue
		}

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
		if b.Reset(s.clock.Now().Sub(upAt)) {
			sshFailures = 0
		}
		attempt = 0
		downSince = s.clock.Now()
		s.setState(Dropped, "", res.cause, func(st *Status) {
			st.DownSince, st.Attempt, st.NextAttempt = downSince, 0, downSince
		})
		s.logf("dropped: %v", res.cause)
	}
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
	if exited {
		s.logf("the remote shell exited with status %d", status)
	} else {
		s.logf("closed")
	}
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
	hooks := DialHooks{
		OnStage: func(stage Stage) { s.setState(state, stage, nil, nil) },
		Ask: func(ctx context.Context, p *Prompt) ([]string, error) {
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
	if err != nil {
		return nil, err // the connect layer's errors already name the host and route
	}
	l.client, l.closer = client, closer
	l.setTCP(hb)
	l.established()
	return l, nil
}

type serveResult struct {
	exited bool  // the remote shell exited (the session is over)
	cause  error // why the link ended otherwise
}

// serve runs one established link until it ends. Teardown closes the
// transport, the shell and the tunnels' listeners and connections first,
// and only then waits for the goroutines, none of which can then block.
func (s *Session) serve(l *link, downSince, upAt time.Time) (res serveResult) {
	linkCtx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	hb := s.heartbeat()
	l.mon = keepalive.NewMonitor(l.client, l.act, l.close, hb, s.clock)
	monDone := make(chan error, 1)
	go func() { monDone <- l.mon.Run(linkCtx) }()
	pumpDone := make(chan struct{})
	stopTunnels := func() {}
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
	}()

	shellDone := make(chan error, 1)
	method := make(chan string, 1)
	if s.opts.TunnelOnly {
		close(pumpDone)
		go func() { shellDone <- fmt.Errorf("connection closed: %w", l.client.Wait()) }()
		method <- "tunnel"
	} else {
		s.setState(stateWhileConnecting(downSince), StageShell, nil, nil)
		if err := s.startShell(l); err != nil {
			close(pumpDone)
			return serveResult{cause: err}
		}
		go func() { defer close(pumpDone); s.pumpOutput(l, method) }()
		go func() { _, err := l.shell.Wait(); shellDone <- err }()
	}

	stopTunnels = s.startForwards(linkCtx, l)

	var m string
	t := s.clock.NewTimer(markerWait)
	select {
	case m = <-method:
	case <-t.C():
	case <-s.ctx.Done():
	}
	t.Stop()

	s.mu.Lock()
	s.live = l
	first := !s.everUp
	s.everUp = true
	prevMethod := s.lastMethod
	s.lastMethod = m
	s.mu.Unlock()
	s.announceUp(m, prevMethod, first, downSince, upAt)

	monitor := (<-chan error)(monDone) // nil once the monitor has ended
	for {
		select {
		case err := <-shellDone:
			if status, exited := exitStatusOf(l.shell); exited && l.err() == nil {
				s.mu.Lock()
				s.exitStatus = status
				s.mu.Unlock()
				return serveResult{exited: true}
			}
			return serveResult{cause: linkCause(l, err)}
		case err := <-monitor:
			monDone <- err // for the deferred wait
			monitor = nil
			if err != nil {
				l.close(err)
				return serveResult{cause: err}
			}
		case st := <-l.mon.Updates():
			s.heartbeatUpdate(st)
		case <-s.retryNow:
			return serveResult{cause: errReconnectRequested}
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
				}
				kcancel()
			}
			return serveResult{cause: context.Cause(s.ctx)}
		}
	}
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
		return errors.New("connection closed by the server")
	}
	return fmt.Errorf("connection lost: %w", err)
}
