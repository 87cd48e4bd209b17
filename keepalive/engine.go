package keepalive

import "time"

// result is what a heartbeat's sender goroutine reports back.
type result struct {
	want       bool      // the request wanted a reply
	start, end time.Time // around SendRequest
	arrived    time.Time // when the transport read the reply (end when unknown): the round trip is arrived - start
	err        error     // SendRequest failed: the connection is closed
}

// engine is the state of one Run. Only the Run goroutine touches it; what
// others may read is copied into Monitor.stats under Monitor.mu.
//
// Schedule: mark is the start of the current silent period (last contact,
// last heartbeat sent, or last miss). The next checkpoint is
// mark + Interval. At a checkpoint, if anything was received since mark the
// period restarts from that moment; otherwise probe mode sends a probe when
// none is in flight and counts a miss when one is, and noop mode sends a
// noop. So a dead peer is declared dead Interval × (Count+1) after it fell
// silent: one interval of silence, then Count unanswered intervals.
type engine struct {
	m       *Monitor
	s       Settings
	mark    time.Time
	timer   Timer // nil until a mode that sends needs it
	late    Timer // fires when a probe's reply is late (Stale); nil until first armed
	lateOn  bool  // late is armed for the probe in flight
	flight  bool  // a heartbeat is inside SendRequest
	misses  int
	dead    *DeadError
	broken  bool          // SendRequest failed: the connection is gone, send no more
	sendq   chan bool     // Run → the sender goroutine (want a reply); nil until the first send
	replies chan result   // the sender goroutine → Run
	done    chan struct{} // closed when Run returns, releasing senders

	// An immediate probe (probe.go): pending while probeOn, started at
	// probeAt for reason probeReason, judged when probeT fires after
	// probeFor.
	probeOn     bool
	probeAt     time.Time
	probeReason string
	probeFor    time.Duration
	probeT      Timer // nil until the first immediate probe
}

func newEngine(m *Monitor) *engine {
	m.mu.Lock()
	mark := m.stats.Started
	m.mu.Unlock()
	if l := m.act.Last(); l.After(mark) {
		mark = l
	}
	return &engine{m: m, mark: mark, replies: make(chan result), done: make(chan struct{})}
}

// apply takes the pending settings into use.
func (e *engine) apply() {
	e.m.mu.Lock()
	e.s = e.m.pending
	e.m.stats.Settings = e.s
	e.m.mu.Unlock()
	if e.s.Mode != ModeProbe {
		// Only probes can be missed; other modes report the link as up.
		e.setLive(Up, 0)
		return
	}
	if e.misses >= e.s.Count {
		e.die(e.m.clk.Now())
	}
}

// sends reports whether the mode sends heartbeats (and so needs the timer).
func (e *engine) sends() bool {
	return !e.broken && (e.s.Mode == ModeProbe || e.s.Mode == ModeNoop)
}

// delay is the time from now to the next checkpoint: mark + Interval,
// rounded up to the Monitor's alignment.
func (e *engine) delay() time.Duration {
	at := e.mark.Add(e.s.Interval)
	if q := e.m.align; q > 0 {
		if t := at.Truncate(q); t.Before(at) {
			at = t.Add(q)
		}
	}
	return at.Sub(e.m.clk.Now())
}

// schedule points the timer at the next checkpoint, or stops it when the
// mode sends nothing. An overdue checkpoint fires at once. The timer is
// created on first use, so a monitor in off or tcp mode never has one.
func (e *engine) schedule() {
	switch {
	case e.sends() && e.timer == nil:
		e.timer = e.m.clk.NewTimer(e.delay())
	case e.sends():
		e.timer.Stop()
		e.timer.Reset(e.delay())
	case e.timer != nil:
		e.timer.Stop()
	}
}

// timerC is the timer's channel; nil (never ready) without a timer.
func (e *engine) timerC() <-chan time.Time {
	if e.timer == nil {
		return nil
	}
	return e.timer.C()
}

// stop releases the timers.
func (e *engine) stop() {
	if e.timer != nil {
		e.timer.Stop()
	}
	e.disarmLate()
	e.endProbe()
}

// Late-reply grace: a probe unanswered for 4 smoothed round trips, clamped
// to [minLate, maxLate] and to half the interval, makes the link Stale at
// once — so Stale shows within a second of the probe, long before the
// link is declared dead — without counting a miss.
const (
	minLate = 250 * time.Millisecond
	maxLate = 750 * time.Millisecond
)

// lateAfter is how long a probe may go unanswered before the link is Stale.
func (e *engine) lateAfter() time.Duration {
	e.m.mu.Lock()
	srtt := e.m.stats.SmoothedRTT
	e.m.mu.Unlock()
	g := min(max(4*srtt, minLate), maxLate)
	if half := e.s.Interval / 2; half > 0 && g > half {
		g = half
	}
	return g
}

// armLate starts the late-reply timer for the probe just sent.
func (e *engine) armLate() {
	d := e.lateAfter()
	if e.late == nil {
		e.late = e.m.clk.NewTimer(d)
	} else {
		e.late.Stop()
		e.late.Reset(d)
	}
	e.lateOn = true
}

func (e *engine) disarmLate() {
	if e.late != nil && e.lateOn {
		e.late.Stop()
	}
	e.lateOn = false
}

// lateC is the late-reply timer's channel; nil (never ready) when unarmed.
func (e *engine) lateC() <-chan time.Time {
	if !e.lateOn {
		return nil
	}
	return e.late.C()
}

// lateTick handles a probe whose reply is late: Stale, no miss yet.
func (e *engine) lateTick() {
	e.lateOn = false
	if e.flight && e.misses == 0 && e.m.act.Last().Before(e.mark.Add(time.Nanosecond)) {
		e.setLive(Stale, 0)
		e.m.act.arm()
	}
}

// tick handles a checkpoint.
func (e *engine) tick() {
	now := e.m.clk.Now()
	if l := e.m.act.Last(); l.After(e.mark) {
		e.mark = l
		e.setLive(Up, 0)
	}
	if now.Before(e.mark.Add(e.s.Interval)) {
		return // not silent for a whole interval (yet)
	}
	switch e.s.Mode {
	case ModeProbe:
		if !e.flight {
			e.mark = now
			e.send(true)
			return
		}
		e.mark = now
		e.setLive(Stale, e.misses+1)
		e.m.act.arm()
		if e.misses >= e.s.Count {
			e.die(now)
		}
	case ModeNoop:
		e.mark = now
		if !e.flight { // a noop still stuck in a write is not doubled up
			e.send(false)
		}
	}
}

// heard handles traffic that arrived while the link was Stale.
func (e *engine) heard() {
	e.disarmLate()
	l := e.m.act.Last()
	if l.After(e.mark) {
		e.mark = l
	}
	e.probeAnswered(l)
	e.setLive(Up, 0)
}

// reply handles the end of a SendRequest.
func (e *engine) reply(r result) {
	e.flight = false
	e.disarmLate()
	e.m.update(func(st *Stats) { st.InFlightSince = time.Time{} })
	if r.err != nil {
		e.broken = true
		e.setLive(Up, 0) // no verdict: the transport reports its own end
		return
	}
	if !r.want {
		return
	}
	e.probeAnswered(r.end)
	rtt := r.arrived.Sub(r.start)
	if r.end.After(e.mark) {
		e.mark = r.end
	}
	e.m.update(func(st *Stats) {
		st.Answered++
		st.Bytes += uint64(ReplyBytes)
		st.LastRTT = rtt
		switch {
		case st.Answered <= 2:
			// The first reply may include the login's tail; the second
			// replaces it rather than being averaged with it.
			st.SmoothedRTT, st.MinRTT, st.MaxRTT = rtt, rtt, rtt
		default:
			st.SmoothedRTT += (rtt - st.SmoothedRTT) / 8
			st.MinRTT = min(st.MinRTT, rtt)
			st.MaxRTT = max(st.MaxRTT, rtt)
		}
		st.FirstRTT = st.Answered == 1
		if r.end.After(st.LastContact) {
			st.LastContact = r.end
		}
	})
	e.setLive(Up, 0)
}

// send hands one heartbeat to the sender goroutine, which is started on
// first use and ends once Run has returned and SendRequest has: on the
// reply, or when the connection is closed. One goroutine for the
// monitor's life, rather than one per heartbeat, keeps the stack that
// SendRequest needs grown instead of growing a new one every time.
func (e *engine) send(want bool) {
	e.flight = true
	now := e.m.clk.Now()
	e.m.update(func(st *Stats) {
		st.InFlightSince = now
		st.Sent++
		st.Bytes += uint64(RequestBytes)
	})
	if want {
		e.armLate()
	}
	if e.sendq == nil {
		e.sendq = make(chan bool, 1)
		go sender(e.m.conn, e.m.clk, e.m.act, e.sendq, e.replies, e.done)
	}
	e.sendq <- want // never blocks: one heartbeat at most is in flight
}

// sender sends the heartbeats it is handed and reports each result. It
// shares nothing with the engine but the channels it is given.
func sender(conn Requester, clk Clock, act *Activity, sendq <-chan bool, replies chan<- result, done <-chan struct{}) {
	for {
		var want bool
		select {
		case want = <-sendq:
		case <-done:
			return
		}
		start := clk.Now()
		_, _, err := conn.SendRequest(RequestName, want, nil)
		end := clk.Now()
		r := result{want: want, start: start, end: end, arrived: end, err: err}
		// The reply arrived in the last transport read before SendRequest
		// returned; the wakeups between that read and this goroutine (the
		// transport's reader, its mux, this goroutine) are the process's
		// scheduling, not the network's, and under load they can be far
		// longer than the round trip. A read after end, or none since
		// start, leaves end.
		if l := act.Last(); l.After(start) && !l.After(end) {
			r.arrived = l
		}
		select {
		case replies <- r:
		case <-done:
			return
		}
	}
}

func (e *engine) setLive(l Liveness, misses int) {
	e.misses = misses
	e.m.update(func(st *Stats) { st.Liveness, st.Misses = l, misses })
}

func (e *engine) die(now time.Time) {
	last := e.m.Stats().LastContact
	if last.IsZero() {
		e.m.mu.Lock()
		last = e.m.stats.Started
		e.m.mu.Unlock()
	}
	e.dead = &DeadError{Misses: e.misses, Silence: now.Sub(last), Settings: e.s}
}
