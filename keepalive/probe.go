package keepalive

import "time"

// Immediate probes: when something outside the link suggests it may have
// died (the local network changed, the machine resumed from suspend), the
// owner asks the monitor to check it now rather than wait for the
// heartbeat's verdict, interval × (count+1) after the link fell silent.

// ProbeWaitMin is the least time an immediate probe waits for its reply.
// It is short on purpose: the probe is only sent when the path may have
// changed, a live link answers within a few round trips, and a dead one is
// otherwise found only after interval × (count+1). A false verdict costs a
// reconnect, which reattaches to the same remote shell.
const ProbeWaitMin = 600 * time.Millisecond

// probeRTTs is how many smoothed round trips an immediate probe waits
// beyond ProbeWaitMin on a slow link.
const probeRTTs = 3

// probeReq is one Probe call, carried to Run.
type probeReq struct {
	reason string
}

// Probe asks the running monitor to check the link at once: it sends a
// heartbeat with want-reply (unless one is already in flight) and, if
// nothing at all is received from the peer within ProbeWaitMin or three
// smoothed round trips, whichever is longer, declares the link dead with a
// *DeadError whose Probe is reason (e.g. "network changed"). Anything
// received, the reply or other traffic, clears it. It never blocks; a
// Probe made while another is pending replaces its reason. A monitor in
// mode off sends nothing and ignores it, as it does when the connection is
// already known to be closed.
func (m *Monitor) Probe(reason string) {
	for {
		select {
		case m.probes <- probeReq{reason: reason}:
			return
		default:
		}
		select {
		case <-m.probes: // replace the pending request's reason
		default:
		}
	}
}

// probeWait is how long an immediate probe waits for anything to arrive.
func (e *engine) probeWait() time.Duration {
	e.m.mu.Lock()
	srtt := e.m.stats.SmoothedRTT
	e.m.mu.Unlock()
	return max(ProbeWaitMin, probeRTTs*srtt)
}

// probe starts an immediate probe (see Monitor.Probe).
func (e *engine) probe(r probeReq) {
	if e.broken || e.s.Mode == ModeOff {
		return
	}
	now := e.m.clk.Now()
	if e.probeOn {
		// Already probing: the earlier probe's wait stands (it started
		// closer to the change), only the reason is the latest.
		e.probeReason = r.reason
		return
	}
	e.probeOn, e.probeAt, e.probeReason = true, now, r.reason
	d := e.probeWait()
	e.probeFor = d
	if e.probeT == nil {
		e.probeT = e.m.clk.NewTimer(d)
	} else {
		e.probeT.Stop()
		e.probeT.Reset(d)
	}
	e.m.act.arm() // any byte received ends the probe (heard)
	if !e.flight {
		// x/crypto serialises global requests: with one in flight a
		// second would wait behind it, so its reply (or any traffic)
		// serves instead.
		e.mark = now
		e.send(true)
	}
}

// probeC is the immediate probe's timer channel; nil when none is pending.
func (e *engine) probeC() <-chan time.Time {
	if !e.probeOn {
		return nil
	}
	return e.probeT.C()
}

// probeAnswered ends a pending probe if anything arrived since it started.
func (e *engine) probeAnswered(at time.Time) {
	if e.probeOn && !at.Before(e.probeAt) {
		e.endProbe()
	}
}

// endProbe disarms the immediate probe.
func (e *engine) endProbe() {
	if e.probeOn {
		e.probeT.Stop()
	}
	e.probeOn = false
}

// probeTick handles an immediate probe that waited its full time.
func (e *engine) probeTick() {
	e.probeOn = false
	now := e.m.clk.Now()
	if l := e.m.act.Last(); !l.IsZero() && !l.Before(e.probeAt) {
		return // traffic arrived; the wake that reports it is on its way
	}
	if e.broken {
		return // the transport reports its own end
	}
	e.die(now)
	e.dead.Probe, e.dead.ProbeWait = e.probeReason, e.probeFor
}
