package session

import (
	"errors"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// publisher hands a session's events to its Manager's hub. It never
// waits: events go into the session's mailbox, where they coalesce until
// the Manager's dispatcher delivers them (see hub.go). A zero publisher
// drops events.
type publisher struct {
	h   *hub
	box *mailbox
}

func (p publisher) publish(e Event) {
	if p.h == nil {
		return
	}
	switch e := e.(type) {
	case StateChanged:
		p.h.stateChanged(p.box, e)
	case PromptRequested:
		p.h.prompt(p.box, e.Prompt)
	case HeartbeatUpdate:
		p.h.heartbeat(p.box, e)
	case OutputArrived:
		p.h.outputArrived(p.box)
	case Logged:
		p.h.logged(p.box, e.Entry)
	}
}

// outputEvery bounds OutputArrived events to about 30 per second per
// session, however fast output arrives.
const outputEvery = 33 * time.Millisecond

// announceOutput turns output kicks into coalesced OutputArrived events.
func (s *Session) announceOutput() {
	for {
		select {
		case <-s.outKick:
			s.pub.publish(OutputArrived{ID: s.id})
			t := s.clock.NewTimer(outputEvery)
			select {
			case <-t.C():
			case <-s.ctx.Done():
				t.Stop()
				return
			}
		case <-s.ctx.Done():
			return
		}
	}
}

// announceUp records a connection coming up and says how the shell was
// attached: the same shell as before, or a new one (and the old one lost).
func (s *Session) announceUp(method, prev string, first bool, downSince, upAt time.Time) {
	s.setState(Up, "", nil, func(st *Status) {
		st.Attempt, st.NextAttempt, st.DownSince = 0, time.Time{}, time.Time{}
		if method != "" && method != "tunnel" {
			st.Reattach = reattachName(method)
		}
	})
	down := upAt.Sub(downSince).Round(100 * time.Millisecond)
	switch {
	case first:
		s.logf("connected (%s)", describeMethod(method))
	case method == methodTmuxAttached:
		s.logf("reattached to the same shell after %s down", down)
	case method == "tunnel":
		s.logf("reconnected after %s down", down)
	default:
		s.logf("reconnected after %s down; the previous shell was lost (%s)", down, describeMethod(method))
		if prev != "" {
			s.localLine("reconnected — the previous shell was lost; this is a new one")
		}
	}
}

func reattachName(method string) string {
	switch method {
	case methodTmuxNew, methodTmuxAttached:
		return "tmux"
	case methodScreen:
		return "screen"
	}
	return "none"
}

func describeMethod(method string) string {
	switch method {
	case methodTmuxNew, methodTmuxAttached:
		return "shell kept in a private tmux session"
	case methodScreen:
		return "shell kept in a private screen session"
	case "tunnel":
		return "tunnels only"
	case methodNone:
		return "no tmux or screen on the host: a drop loses the shell"
	}
	return "shell did not report how it was started"
}

// heartbeatUpdate applies new heartbeat figures: RTT history, Stale/Up.
func (s *Session) heartbeatUpdate(st keepalive.Stats) {
	s.hbMu.Lock()
	defer s.hbMu.Unlock()
	s.applyHeartbeat(st)
}

// reapplyHeartbeat applies the monitor's current figures. The monitor's
// own reports may be applied before or after it, but never between its
// reading of the figures and its applying them, so a report older than
// what it read cannot come after it unless the monitor reports again.
func (s *Session) reapplyHeartbeat(m *keepalive.Monitor) {
	s.hbMu.Lock()
	defer s.hbMu.Unlock()
	s.applyHeartbeat(m.Stats())
}

// applyHeartbeat does heartbeatUpdate's work; the caller holds hbMu.
func (s *Session) applyHeartbeat(st keepalive.Stats) {
	s.mu.Lock()
	if st.LastRTT > 0 && st.Answered > 0 && (len(s.status.RTTHistory) == 0 || st.Answered != s.status.Heartbeat.Answered) {
		s.status.RTTHistory = append(s.status.RTTHistory, st.LastRTT)
		if len(s.status.RTTHistory) > rttHistory {
			s.status.RTTHistory = s.status.RTTHistory[len(s.status.RTTHistory)-rttHistory:]
		}
	}
	s.status.Heartbeat = st
	cur := s.status.State
	s.mu.Unlock()
	switch {
	case st.Liveness == keepalive.Stale && cur == Up:
		s.setState(Stale, "", errors.New("a heartbeat reply is late"), nil)
		s.logf("stale: no reply to a heartbeat within %s", st.Settings.Interval)
	case st.Liveness == keepalive.Up && cur == Stale:
		s.setState(Up, "", nil, nil)
		s.logf("link healthy again")
	}
	s.pub.publish(HeartbeatUpdate{ID: s.id, Stats: st})
}

// failedBeforeServer reports whether a connect error happened before any
// byte was exchanged with the server (route, refusal, timeout of the TCP
// connect): retrying such failures is cheap, so they are retried quickly.
func failedBeforeServer(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	for _, e := range []error{syscall.ECONNREFUSED, syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ETIMEDOUT, os.ErrDeadlineExceeded} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
