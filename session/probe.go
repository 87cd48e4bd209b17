package session

import "github.com/sshdash/sshdash/keepalive"

// Reasons for ProbeAll, as netwatch reports them. A link that fails the
// probe is dropped with a *keepalive.DeadError whose Probe is the reason,
// and its DropCause follows from it (CauseNetworkChanged, CauseResumed).
const (
	ReasonNetworkChanged = "network changed"
	ReasonResumed        = "machine resumed from suspend"
)

// ProbeSummary is what ProbeAll did.
type ProbeSummary struct {
	Probed  int // live links sent an immediate probe
	Hurried int // sessions waiting to reconnect whose next attempt starts now
}

// ProbeAll checks every session at once after something outside the links
// suggests they may be dead (reason: ReasonNetworkChanged, ReasonResumed).
// Each live link gets an immediate heartbeat (keepalive.Monitor.Probe): a
// link that answers is left alone, one that stays silent for
// max(keepalive.ProbeWaitMin, 3 × its smoothed round trip) is dropped and
// redialled at once. A session waiting between reconnect attempts tries
// again now, with its backoff reset: the network it failed on has
// changed. It never blocks.
func (m *Manager) ProbeAll(reason string) ProbeSummary {
	var sum ProbeSummary
	for _, s := range m.Sessions() {
		switch s.probe(reason) {
		case probeSent:
			sum.Probed++
		case probeHurried:
			sum.Hurried++
		}
	}
	return sum
}

type probeOutcome int

const (
	probeNone probeOutcome = iota
	probeSent
	probeHurried
)

// probe checks the session's link now, or starts its next reconnect
// attempt now (see Manager.ProbeAll).
func (s *Session) probe(reason string) probeOutcome {
	s.mu.Lock()
	l, state := s.live, s.status.State
	s.mu.Unlock()
	switch {
	case (state == Up || state == Stale) && l != nil && l.mon != nil && s.heartbeat().Mode != keepalive.ModeOff:
		l.mon.Probe(reason)
		s.logf("%s: checking the link now", reason)
		return probeSent
	case state == Reconnecting || state == Dropped:
		s.netKicked.Store(true)
		select {
		case s.netKick <- struct{}{}:
		default:
		}
		s.logf("%s: trying to reconnect now", reason)
		return probeHurried
	}
	return probeNone
}

// tookNetKick reports whether ProbeAll asked a waiting session to try
// now since the last call: the run loop then resets its backoff, as the
// network the earlier attempts failed on has changed.
func (s *Session) tookNetKick() bool { return s.netKicked.Swap(false) }

// clearNetKick forgets a request made while an attempt was under way that
// then succeeded, so that the next drop waits its backoff as usual.
func (s *Session) clearNetKick() {
	s.netKicked.Store(false)
	select {
	case <-s.netKick:
	default:
	}
}
