package keepalive_test

import (
	"context"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/keepalive/clocktest"
)

const sec = time.Second

func TestProbeAfterOneIntervalOfSilence(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(9 * sec)
	h.sent(0)
	h.advance(1 * sec)
	c := h.expectCall(true)
	h.sent(1)

	h.clk.Advance(40 * time.Millisecond) // the round trip
	c.reply <- true
	st := h.waitStats("the reply", func(st keepalive.Stats) bool { return st.Answered == 1 })
	if st.LastRTT != 40*time.Millisecond || st.SmoothedRTT != st.LastRTT || st.MinRTT != st.LastRTT || st.MaxRTT != st.LastRTT {
		t.Errorf("RTT figures %v/%v/%v/%v, want all 40ms", st.LastRTT, st.SmoothedRTT, st.MinRTT, st.MaxRTT)
	}
	if st.Liveness != keepalive.Up || st.Misses != 0 {
		t.Errorf("after reply: %v with %d misses", st.Liveness, st.Misses)
	}
	if want := uint64(keepalive.ExchangeBytes); st.Bytes != want {
		t.Errorf("Bytes = %d, want %d", st.Bytes, want)
	}
	if !st.LastContact.Equal(t0.Add(10*sec + 40*time.Millisecond)) {
		t.Errorf("LastContact = %s after start", st.LastContact.Sub(t0))
	}

	// The next probe is due one interval after the reply.
	h.advance(10*sec - time.Millisecond)
	h.sent(1)
	h.advance(time.Millisecond)
	c = h.expectCall(true)
	h.clk.Advance(20 * time.Millisecond)
	c.reply <- true
	st = h.waitStats("second reply", func(st keepalive.Stats) bool { return st.Answered == 2 })
	// The second reply replaces the first, which may include the login's
	// tail (TestFirstRTTDoesNotSkewTheAverage).
	if st.LastRTT != 20*time.Millisecond || st.MinRTT != 20*time.Millisecond || st.MaxRTT != 20*time.Millisecond {
		t.Errorf("RTT last/min/max %v/%v/%v, want 20ms/20ms/20ms", st.LastRTT, st.MinRTT, st.MaxRTT)
	}
	if want := 20 * time.Millisecond; st.SmoothedRTT != want {
		t.Errorf("SmoothedRTT = %v, want %v", st.SmoothedRTT, want)
	}
	if !st.Started.Equal(t0) || st.Uptime(h.clk.Now()) != h.at() {
		t.Errorf("Started %v, uptime %v", st.Started, st.Uptime(h.clk.Now()))
	}
}

func TestTrafficPostponesProbe(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(6 * sec)
	h.act.Record(100)
	h.advance(4 * sec) // t=10: the checkpoint sees traffic at 6
	h.sent(0)
	h.advance(5*sec + 999*time.Millisecond) // t=15.999
	h.sent(0)
	h.advance(time.Millisecond) // t=16: silent for an interval
	h.expectCall(true)
	if got := h.m.Stats().LastContact; !got.Equal(t0.Add(6 * sec)) {
		t.Errorf("LastContact = %s after start, want 6s", got.Sub(t0))
	}
}

func TestStaleThenUpOnLateReply(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	c := h.expectCall(true)
	h.advance(10 * sec) // the reply deadline
	st := h.waitLive(keepalive.Stale, 1)
	if h.at() != 20*sec {
		t.Fatalf("Stale reported at %s, want at the deadline 20s", h.at())
	}
	if st.Answered != 0 {
		t.Errorf("Answered = %d", st.Answered)
	}
	h.clk.Advance(3 * sec)
	c.reply <- true
	st = h.waitLive(keepalive.Up, 0)
	if st.LastRTT != 13*sec {
		t.Errorf("late RTT = %v, want 13s", st.LastRTT)
	}
}

func TestTrafficResetsMisses(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	h.expectCall(true) // never answered
	h.advance(10 * sec)
	h.waitLive(keepalive.Stale, 1)
	h.advance(10 * sec)
	h.waitLive(keepalive.Stale, 2)

	h.clk.Advance(sec)
	h.act.Record(1) // t=31: anything from the server
	h.waitLive(keepalive.Up, 0)

	// The probe is still unanswered: another silent interval is a miss again.
	h.advance(9*sec + 999*time.Millisecond)
	if st := h.m.Stats(); st.Liveness != keepalive.Up {
		t.Fatalf("at %s: %v, want up", h.at(), st.Liveness)
	}
	h.advance(time.Millisecond)
	h.waitLive(keepalive.Stale, 1)
	h.sent(1) // one probe in flight at a time
}

func TestStuckProbeIsDead(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.act.Record(10) // the handshake
	h.advance(10 * sec)
	h.expectCall(true) // the server never answers
	h.advance(10 * sec)
	h.waitLive(keepalive.Stale, 1)
	h.advance(10 * sec)
	h.waitLive(keepalive.Stale, 2)
	h.clk.Advance(10 * sec) // t=40 = Interval × (Count+1): dead

	var killErr error
	select {
	case killErr = <-h.killed:
	case <-time.After(guard):
		t.Fatal("kill not called")
	}
	d := asDead(t, h.runResult())
	if d != killErr {
		t.Errorf("kill got %v, Run returned %v", killErr, d)
	}
	if d.Misses != 3 || d.Silence != 40*sec || d.Settings != probe(10*sec, 3) {
		t.Errorf("DeadError %+v, want 3 misses after 40s silence", *d)
	}
	if d.Error() == "" {
		t.Error("empty message")
	}
	st := h.waitLive(keepalive.Dead, 3)
	if st.Sent != 1 || st.Answered != 0 {
		t.Errorf("sent/answered %d/%d", st.Sent, st.Answered)
	}
	// kill closed the conn, which ends the goroutine stuck in SendRequest
	// (goleak in TestMain checks it).
	<-h.m.Done()
}

func TestFailureReplyMeansAlive(t *testing.T) {
	h := start(t, probe(5*sec, 1))
	for i := range 3 {
		h.advance(5 * sec)
		c := h.expectCall(true)
		h.clk.Advance(sec)
		c.reply <- false // "request failed": OpenSSH's sshd answers so
		h.waitStats("a failure reply", func(st keepalive.Stats) bool { return st.Answered == uint64(i+1) })
		h.block()
	}
	if st := h.m.Stats(); st.Liveness != keepalive.Up || st.Misses != 0 || st.Sent != 3 {
		t.Errorf("after failure replies: %+v", st)
	}
}

func TestCountOneDiesAfterOneMiss(t *testing.T) {
	h := start(t, probe(5*sec, 1))
	h.advance(5 * sec)
	h.expectCall(true)
	h.clk.Advance(5 * sec)
	if d := asDead(t, h.runResult()); d.Misses != 1 || d.Silence != 10*sec {
		t.Errorf("DeadError %+v", *d)
	}
}

func TestNoopMode(t *testing.T) {
	h := start(t, keepalive.Settings{Mode: keepalive.ModeNoop, Interval: 10 * sec, Count: 3})
	h.advance(9 * sec)
	h.sent(0)
	h.advance(sec) // t=10
	h.expectNoop()
	h.advance(10 * sec) // t=20: still silent, no reply expected: send again
	h.expectNoop()
	h.advance(5 * sec)
	h.act.Record(1) // t=25
	h.advance(5 * sec)
	h.sent(2)
	h.advance(5 * sec) // t=35
	h.expectNoop()
	// Nothing is ever missed in noop mode, however long it stays silent.
	for range 10 {
		h.advance(10 * sec)
		h.expectNoop()
	}
	st := h.m.Stats()
	if st.Liveness != keepalive.Up || st.Misses != 0 || st.Answered != 0 || st.Sent != 13 {
		t.Errorf("noop stats %+v", st)
	}
	if want := uint64(13 * keepalive.RequestBytes); st.Bytes != want {
		t.Errorf("Bytes = %d, want %d", st.Bytes, want)
	}
}

func TestOffAndTCPSendNothing(t *testing.T) {
	for _, mode := range []keepalive.Mode{keepalive.ModeOff, keepalive.ModeTCP} {
		t.Run(string(mode), func(t *testing.T) {
			h := start(t, keepalive.Settings{Mode: mode, Interval: sec, Count: 1})
			h.waitLive(keepalive.Up, 0) // Run is up
			if n := h.clk.Timers(); n != 0 {
				t.Fatalf("%d timers armed", n)
			}
			for range 100 {
				h.clk.Advance(time.Minute)
			}
			if st := h.m.Stats(); st.Sent != 0 || st.Liveness != keepalive.Up {
				t.Errorf("%s: %+v", mode, st)
			}
			select {
			case c := <-h.conn.calls:
				t.Errorf("%s sent %+v", mode, c)
			default:
			}
		})
	}
}

func TestSetSettingsLive(t *testing.T) {
	h := start(t, probe(time.Minute, 5))
	h.advance(5 * sec)
	h.sent(0)

	// A shorter interval that is already overdue fires at once.
	h.m.SetSettings(probe(5*sec, 5))
	c := h.expectCall(true)
	h.waitStats("new settings", func(st keepalive.Stats) bool { return st.Settings.Interval == 5*sec })
	h.advance(5 * sec)
	h.waitLive(keepalive.Stale, 1)
	h.advance(5 * sec)
	h.waitLive(keepalive.Stale, 2)

	// Switching to off clears the misses and stops the timer.
	h.m.SetSettings(keepalive.Settings{Mode: keepalive.ModeOff})
	h.waitStats("off", func(st keepalive.Stats) bool {
		return st.Settings.Mode == keepalive.ModeOff && st.Liveness == keepalive.Up && st.Misses == 0
	})
	if n := h.clk.Timers(); n != 0 {
		t.Errorf("%d timers armed in off mode", n)
	}
	// The old probe's reply is still an RTT sample.
	h.clk.Advance(time.Hour)
	c.reply <- true
	h.waitStats("reply in off mode", func(st keepalive.Stats) bool { return st.Answered == 1 })

	// Back to probe with a lower count: misses start from zero again.
	h.m.SetSettings(probe(10*sec, 2))
	h.waitStats("probe again", func(st keepalive.Stats) bool { return st.Settings.Mode == keepalive.ModeProbe })
	h.block()
	h.advance(10 * sec)
	h.expectCall(true)
	h.advance(10 * sec)
	h.waitLive(keepalive.Stale, 1)

	// Lowering the count below the misses already counted kills at once.
	h.m.SetSettings(probe(10*sec, 1))
	if d := asDead(t, h.runResult()); d.Misses != 1 {
		t.Errorf("DeadError %+v", *d)
	}
}

func TestSettingsNormalized(t *testing.T) {
	h := start(t, keepalive.Settings{Mode: "bogus", Interval: -1, Count: 0})
	if got := h.m.Stats().Settings; got != keepalive.Default() {
		t.Errorf("settings %v, want the defaults", got)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	clk := newTestClock()
	conn := newFakeConn()
	defer conn.Close()
	m := keepalive.NewMonitor(conn, nil, nil, keepalive.Default(), clk)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Run(ctx); err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if err := m.Run(context.Background()); err == nil {
		t.Error("second Run succeeded")
	}
	<-m.Done()
}

func TestReceivedFeedsTheMonitor(t *testing.T) {
	clk := newTestClock()
	conn := newFakeConn()
	defer conn.Close()
	m := keepalive.NewMonitor(conn, nil, nil, keepalive.Default(), clk)
	clk.Advance(sec)
	m.Received(5)
	if got := m.Stats().LastContact; !got.Equal(t0.Add(sec)) {
		t.Errorf("LastContact %v", got)
	}
	if m.Activity().Bytes() != 5 {
		t.Errorf("Bytes %d", m.Activity().Bytes())
	}
}

func TestClosedConnIsNotAVerdict(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	h.expectCall(true)
	h.conn.Close() // the transport died under the probe
	h.waitStats("the failed send handled", func(st keepalive.Stats) bool { return st.Sent == 1 && st.InFlightSince.IsZero() })
	if n := h.clk.Timers(); n != 0 {
		t.Errorf("%d timers armed after the connection closed", n)
	}
	h.clk.Advance(time.Hour)
	if st := h.m.Stats(); st.Sent != 1 || st.Liveness != keepalive.Up {
		t.Errorf("after close: %+v", st)
	}
	select {
	case err := <-h.runErr:
		t.Fatalf("Run returned %v before its context was done", err)
	case err := <-h.killed:
		t.Fatalf("kill called with %v for a conn that was already closed", err)
	default:
	}
	h.cancel()
	if err := h.runResult(); err != nil {
		t.Errorf("Run = %v after cancel, want nil", err)
	}
}

// A probe unanswered for the late-reply grace (4 smoothed RTTs, at least
// 250 ms, at most 750 ms) shows Stale at once, without counting a miss, so
// a dying link is visible within a second of the probe.
func TestStaleAsSoonAsReplyIsLate(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	c := h.expectCall(true)
	h.advance(249 * time.Millisecond)
	if st := h.m.Stats(); st.Liveness != keepalive.Up {
		t.Fatalf("Stale after %s, before the grace", h.at())
	}
	h.advance(time.Millisecond) // t = 10.25 s
	st := h.waitLive(keepalive.Stale, 0)
	if st.Misses != 0 {
		t.Errorf("a late reply counted as a miss: %d", st.Misses)
	}
	c.reply <- true
	h.waitLive(keepalive.Up, 0)
}

// With a measured round trip the grace is 4 × SRTT, capped at 750 ms.
func TestLateGraceFollowsRTT(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	c := h.expectCall(true)
	h.clk.Advance(150 * time.Millisecond) // SRTT 150 ms → grace 600 ms
	c.reply <- true
	h.waitStats("first RTT", func(st keepalive.Stats) bool { return st.Answered == 1 })
	h.advance(10 * sec)
	c = h.expectCall(true)
	h.advance(599 * time.Millisecond)
	if st := h.m.Stats(); st.Liveness != keepalive.Up {
		t.Fatalf("Stale before 4×SRTT")
	}
	h.advance(time.Millisecond)
	h.waitLive(keepalive.Stale, 0)
	c.reply <- true
	h.waitLive(keepalive.Up, 0)
}

// The first reply after connect may include the login's tail: it is shown
// (LastRTT, marked FirstRTT) but the second reply replaces it in the
// smoothed, minimum and maximum figures instead of being averaged with it.
func TestFirstRTTDoesNotSkewTheAverage(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	reply := func(n uint64, rtt time.Duration) keepalive.Stats {
		t.Helper()
		h.advance(10 * sec)
		c := h.expectCall(true)
		h.clk.Advance(rtt)
		c.reply <- true
		return h.waitStats("reply", func(st keepalive.Stats) bool { return st.Answered == n })
	}
	ms := time.Millisecond
	st := reply(1, 200*ms) // late: the server was still setting up
	if st.LastRTT != 200*ms || !st.FirstRTT || st.SmoothedRTT != 200*ms {
		t.Fatalf("first reply: %+v", st)
	}
	st = reply(2, 20*ms)
	if st.LastRTT != 20*ms || st.FirstRTT || st.SmoothedRTT != 20*ms || st.MinRTT != 20*ms || st.MaxRTT != 20*ms {
		t.Fatalf("second reply did not replace the first: last %s srtt %s min %s max %s first %v",
			st.LastRTT, st.SmoothedRTT, st.MinRTT, st.MaxRTT, st.FirstRTT)
	}
	st = reply(3, 28*ms)
	if st.SmoothedRTT != 21*ms || st.MinRTT != 20*ms || st.MaxRTT != 28*ms || st.FirstRTT {
		t.Fatalf("third reply: srtt %s min %s max %s, want 21ms 20ms 28ms", st.SmoothedRTT, st.MinRTT, st.MaxRTT)
	}
}

// The round trip ends when the reply reaches the transport, not when the
// sender goroutine gets to run after it: under load the wakeups in between
// (the transport's reader, its mux, the sender) can take far longer than
// the network, and an idle session must not look slow because of them.
func TestRTTEndsAtTheReplysArrival(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(10 * sec)
	c := h.expectCall(true)
	h.clk.Advance(3 * time.Millisecond) // the round trip
	h.act.Record(36)                    // the reply is read from the socket
	h.clk.Advance(200 * time.Millisecond)
	c.reply <- true // SendRequest returns only now
	st := h.waitStats("the reply", func(st keepalive.Stats) bool { return st.Answered == 1 })
	if st.LastRTT != 3*time.Millisecond {
		t.Errorf("LastRTT = %v, want 3ms (the reply's arrival in the transport)", st.LastRTT)
	}

	// Without a read between the send and the return (a transport not
	// watched), the round trip is the whole SendRequest.
	h.advance(10*sec - time.Millisecond)
	h.advance(time.Millisecond)
	c = h.expectCall(true)
	h.clk.Advance(30 * time.Millisecond)
	c.reply <- true
	st = h.waitStats("second reply", func(st keepalive.Stats) bool { return st.Answered == 2 })
	if st.LastRTT != 30*time.Millisecond {
		t.Errorf("LastRTT = %v without a recorded read, want 30ms", st.LastRTT)
	}
}

// With Notify, Run reports every change through the callback and leaves
// Updates empty; starting a probe is not reported, its reply is.
func TestNotifyReplacesUpdates(t *testing.T) {
	clk := clocktest.New(t0)
	conn := newFakeConn()
	defer conn.Close()
	m := keepalive.NewMonitor(conn, nil, nil, probe(10*sec, 3), clk)
	got := make(chan keepalive.Stats, 16)
	m.Notify(func(st keepalive.Stats) { got <- st })
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); <-m.Done() }()
	go m.Run(ctx)
	first := <-got // the initial figures
	if first.Sent != 0 {
		t.Fatalf("initial report: %+v", first)
	}
	bctx, bcancel := context.WithTimeout(context.Background(), guard)
	defer bcancel()
	if err := clk.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal("the monitor never armed its timer")
	}
	clk.Advance(10 * sec)
	var c call
	select {
	case c = <-conn.calls:
	case <-time.After(guard):
		t.Fatal("no probe sent")
	}
	clk.Advance(20 * time.Millisecond)
	c.reply <- true
	select {
	case st := <-got:
		if st.Answered != 1 || st.Sent != 1 {
			t.Errorf("first report after the start: %+v, want the reply (sending is not reported)", st)
		}
	case <-time.After(guard):
		t.Fatal("the reply was not reported")
	}
	select {
	case st := <-m.Updates():
		t.Errorf("Updates carried %+v with Notify set", st)
	default:
	}
}

// With Align, checkpoints fall on multiples of the alignment: the probe
// due one interval after the start, and the next one interval after the
// reply, each waits for the next multiple. Without it the first would go
// at 10.1 s.
func TestAlignRoundsCheckpointsUp(t *testing.T) {
	const q = 250 * time.Millisecond
	start := t0.Add(100 * time.Millisecond) // t0 is a whole second: on the grid
	clk := clocktest.New(start)
	conn := newFakeConn()
	defer conn.Close()
	m := keepalive.NewMonitor(conn, nil, nil, probe(10*sec, 3), clk)
	m.Align(q)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); <-m.Done() }()
	go m.Run(ctx)
	block := func() {
		t.Helper()
		bctx, bcancel := context.WithTimeout(context.Background(), guard)
		defer bcancel()
		if err := clk.BlockUntilContext(bctx, 1); err != nil {
			t.Fatalf("at %s: the monitor never armed its timer", clk.Now().Sub(t0))
		}
	}
	expect := func(sent uint64) {
		t.Helper()
		if got := m.Stats().Sent; got != sent {
			t.Fatalf("at %s: %d probes sent, want %d", clk.Now().Sub(t0), got, sent)
		}
	}
	block()
	clk.Advance(10 * sec) // t0+10.1s: due, but not on the grid
	block()
	expect(0)
	clk.Advance(150 * time.Millisecond) // t0+10.25s
	var c call
	select {
	case c = <-conn.calls:
	case <-time.After(guard):
		t.Fatal("no probe at the aligned checkpoint")
	}
	expect(1)
	clk.Advance(20 * time.Millisecond) // the reply at t0+10.27s
	c.reply <- true
	deadline := time.Now().Add(guard)
	for m.Stats().Answered != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the reply was not handled")
		}
		time.Sleep(time.Millisecond)
	}
	block()
	clk.Advance(10*sec + 220*time.Millisecond) // t0+20.49s: due since 20.27
	block()
	expect(1)
	clk.Advance(10 * time.Millisecond) // t0+20.5s
	select {
	case <-conn.calls:
	case <-time.After(guard):
		t.Fatal("no second probe at the aligned checkpoint")
	}
}
