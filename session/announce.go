package session

import (
	"errors"
	"net"
	"os"
	"strings"
	"sync"
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

// outputAnnouncer turns output kicks into OutputArrived events, at most one
// per outputEvery: the first kick is published at once, kicks within
// outputEvery of the last event are published once, when it has passed.
// It needs no goroutine of its own (with a thousand sessions that was a
// thousand goroutines): the kick publishes, or arms a timer that does.
type outputAnnouncer struct {
	mu    sync.Mutex // guards every field below; held while publishing, so nothing is published after stop
	last  time.Time  // when the last event was published
	armed bool       // a timer will publish
	timer *time.Timer
	done  bool // stopped: publish nothing more
}

// kickOutput announces output now or when outputEvery has passed since the last
// announcement. It never waits for the consumer (publish does not).
func (s *Session) kickOutput() {
	a := &s.ann
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.armed || a.done {
		return
	}
	now := time.Now()
	if wait := outputEvery - now.Sub(a.last); wait > 0 {
		a.armed = true
		if a.timer == nil {
			a.timer = time.AfterFunc(wait, s.announceLate)
		} else {
			a.timer.Reset(wait)
		}
		return
	}
	a.last = now
	s.pub.publish(OutputArrived{ID: s.id})
}

// announceLate publishes the output kicked while the last announcement
// was too recent.
func (s *Session) announceLate() {
	a := &s.ann
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.armed || a.done {
		return
	}
	a.armed, a.last = false, time.Now()
	s.pub.publish(OutputArrived{ID: s.id})
}

// stopOutputAnnouncer ends announcements: after it returns, none is
// published.
func (s *Session) stopOutputAnnouncer() {
	a := &s.ann
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done, a.armed = true, false
	if a.timer != nil {
		a.timer.Stop()
	}
}

// announceUp records a connection coming up and says how the shell was
// attached: the same shell as before, or a new one (and the old one lost).
// method is methodPending when the shell has not said so yet; serve then
// calls announceMethod when it does.
func (s *Session) announceUp(method, prev string, first bool, downSince, upAt time.Time) {
	lost := !first && !sameShell(method) && method != "tunnel" && method != methodPending && prev != ""
	s.setState(Up, "", nil, func(st *Status) {
		st.Attempt, st.NextAttempt, st.DownSince = 0, time.Time{}, time.Time{}
		if method != "" && method != "tunnel" && method != methodPending {
			st.Reattach = reattachName(method)
		}
		if lost {
			st.Notice, st.NoticeAt = lostNotice, upAt
		}
	})
	down := upAt.Sub(downSince)
	if method == methodPending {
		if first {
			s.logMark("connected; the shell has not yet said how it was started (a slow login?)")
		} else {
			s.logMark("reconnected after %s down; the shell has not yet said whether it is the same one (a slow login?)", down.Round(100*time.Millisecond))
		}
		return
	}
	s.announceMethod(method, prev, first, down)
}

// announceMethod says how the shell of a link that came up after down was
// attached, once its marker is known.
func (s *Session) announceMethod(method, prev string, first bool, down time.Duration) {
	down = down.Round(100 * time.Millisecond)
	switch {
	case first && s.opts.ResumeName != "" && sameShell(method):
		s.logMark("resumed the detached session %s (%s)", s.remoteName, describeMethod(method))
	case first && s.opts.ResumeName != "":
		s.logMark("the detached session %s no longer exists on the host; connected to a new shell (%s)", s.remoteName, describeMethod(method))
		s.localLine("the detached session " + s.remoteName + " no longer exists; this is a new shell")
	case first:
		s.logMark("connected (%s)", describeMethod(method))
	case sameShell(method):
		s.logMark("reattached to the same shell after %s down", down)
	case method == "tunnel":
		s.logMark("reconnected after %s down", down)
	default:
		s.logMark("reconnected after %s down; the previous shell was lost (%s)", down, describeMethod(method))
		if prev != "" {
			// Set here too for a marker that came late (announceUp could
			// not know then), so the attach keeps showing it.
			s.mu.Lock()
			if s.status.Notice != lostNotice {
				s.status.Notice, s.status.NoticeAt = lostNotice, s.clock.Now()
			}
			s.mu.Unlock()
			s.localLine(lostNotice)
		}
	}
}

// lostNotice says that a reconnect found the previous shell gone (the
// server rebooted, its tmux was killed).
const lostNotice = "reconnected — the previous shell was lost; this is a new one"

func reattachName(method string) string {
	switch method {
	case methodTmuxNew, methodTmuxAttached:
		return "tmux"
	case methodScreenNew, methodScreenAttached:
		return "screen"
	}
	return "none"
}

func describeMethod(method string) string {
	switch method {
	case methodTmuxNew, methodTmuxAttached:
		return "shell kept in a private tmux session"
	case methodScreenNew, methodScreenAttached:
		return "shell kept in a private screen session"
	case "tunnel":
		return "tunnels only"
	case methodNone:
		return "no tmux or screen on the host: a drop loses the shell"
	}
	if why, ok := strings.CutPrefix(method, methodNone+";"); ok {
		return "plain shell, a drop loses it: " + why
	}
	return "shell did not report how it was started"
}

// appendRTT adds st's round trip to the history hist when st brings a new
// reply (prev being the figures before it). The first reply after connect
// may include the login's tail (keepalive.Stats.FirstRTT): the second reply
// of the same link replaces it, so one slow login does not flatten the
// sparkline. hist is bounded to rttHistory samples. No sample already in
// hist is ever overwritten (Status hands the slice out without a copy).
func appendRTT(hist []time.Duration, prev, st keepalive.Stats) []time.Duration {
	if st.LastRTT <= 0 || st.Answered == 0 || (len(hist) > 0 && st.Answered == prev.Answered) {
		return hist
	}
	if prev.FirstRTT && st.Answered == prev.Answered+1 && len(hist) > 0 {
		// A new array: the old last sample may be in a Status handed out.
		hist = hist[: len(hist)-1 : len(hist)-1]
	}
	hist = append(hist, st.LastRTT)
	if len(hist) > rttHistory {
		hist = hist[len(hist)-rttHistory:]
	}
	return hist
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
	s.status.RTTHistory = appendRTT(s.status.RTTHistory, s.status.Heartbeat, st)
	s.status.Heartbeat = st
	cur := s.status.State
	s.mu.Unlock()
	switch {
	case st.Liveness == keepalive.Stale && cur == Up:
		s.setState(Stale, "", errors.New("a heartbeat reply is late"), nil)
		s.logMark("stale: no reply to a heartbeat within %s", st.Settings.Interval)
	case st.Liveness == keepalive.Up && cur == Stale:
		s.setState(Up, "", nil, nil)
		s.logMark("link healthy again")
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
