package keepalive_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// waitTimers waits until exactly n fake timers are armed.
func (h *harness) waitTimers(n int) {
	h.t.Helper()
	deadline := time.Now().Add(guard)
	for h.clk.Timers() != n {
		if time.Now().After(deadline) {
			h.t.Fatalf("at %s: %d timers armed, want %d", h.at(), h.clk.Timers(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// noRunResult fails if Run has returned.
func (h *harness) noRunResult() {
	h.t.Helper()
	select {
	case err := <-h.runErr:
		h.runErr <- err
		h.t.Fatalf("at %s: Run returned %v", h.at(), err)
	default:
	}
}

// TestProbeDeadLinkFoundAtOnce: an idle link whose peer no longer answers
// is declared dead ProbeWaitMin after Probe, not interval × (count+1)
// after it fell silent; the verdict names the reason.
func TestProbeDeadLinkFoundAtOnce(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(2 * sec)
	h.m.Probe("network changed")
	h.expectCall(true) // sent now, not at the 10 s checkpoint
	h.waitTimers(3)    // checkpoint, late reply, probe
	h.clk.Advance(keepalive.ProbeWaitMin - time.Millisecond)
	h.noRunResult()
	h.clk.Advance(time.Millisecond)
	d := asDead(t, h.runResult())
	if d.Probe != "network changed" || d.ProbeWait != keepalive.ProbeWaitMin {
		t.Fatalf("DeadError %+v, want Probe %q after %s", d, "network changed", keepalive.ProbeWaitMin)
	}
	if !strings.Contains(d.Error(), "because the network changed") {
		t.Errorf("error %q does not say why the probe was sent", d.Error())
	}
	select {
	case err := <-h.killed:
		if err != error(d) {
			t.Errorf("killed with %v, Run returned %v", err, d)
		}
	case <-time.After(guard):
		t.Fatal("the connection was not closed")
	}
	if h.at() > 3*sec {
		t.Fatalf("dead at %s", h.at())
	}
}

// TestProbeLiveLinkKept: a probe that is answered leaves the link up, and
// the regular heartbeat carries on as before.
func TestProbeLiveLinkKept(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	h.advance(2 * sec)
	h.m.Probe("network changed")
	c := h.expectCall(true)
	h.clk.Advance(30 * time.Millisecond)
	c.reply <- true
	h.waitStats("the probe's reply", func(st keepalive.Stats) bool { return st.Answered == 1 })
	h.waitTimers(1) // only the checkpoint: the probe and late timers are stopped
	h.advance(5 * sec)
	h.noRunResult()
	if st := h.m.Stats(); st.Liveness != keepalive.Up || st.Misses != 0 {
		t.Fatalf("after an answered probe: %v, %d misses", st.Liveness, st.Misses)
	}
	// The next heartbeat is one interval after the probe's reply.
	h.advance(5*sec + 30*time.Millisecond)
	h.expectCall(true)
}

// TestProbeWhileHeartbeatInFlight: with a heartbeat already in flight no
// second request is sent (x/crypto would queue it behind the first); any
// traffic clears the probe, and silence declares the link dead.
func TestProbeWhileHeartbeatInFlight(t *testing.T) {
	t.Run("traffic", func(t *testing.T) {
		h := start(t, probe(10*sec, 3))
		h.advance(10 * sec)
		h.expectCall(true)
		h.waitTimers(2) // checkpoint, late reply
		h.m.Probe("machine resumed from suspend")
		h.waitTimers(3)
		h.act.Record(100) // e.g. shell output
		h.waitTimers(1)   // probe and late timers stopped by the traffic
		h.clk.Advance(keepalive.ProbeWaitMin * 2)
		h.block()
		h.noRunResult()
		select {
		case c := <-h.conn.calls:
			t.Fatalf("a second request was sent: %+v", c)
		default:
		}
	})
	t.Run("silence", func(t *testing.T) {
		h := start(t, probe(10*sec, 3))
		h.advance(10 * sec)
		h.expectCall(true)
		h.waitTimers(2)
		h.m.Probe("machine resumed from suspend")
		h.waitTimers(3)
		h.clk.Advance(keepalive.ProbeWaitMin)
		if d := asDead(t, h.runResult()); d.Probe != "machine resumed from suspend" {
			t.Fatalf("DeadError %+v", d)
		}
	})
}

// TestProbeWaitFollowsSlowLink: on a link whose round trip is long, the
// probe waits three smoothed round trips rather than ProbeWaitMin.
func TestProbeWaitFollowsSlowLink(t *testing.T) {
	h := start(t, probe(10*sec, 3))
	for i := 1; i <= 3; i++ {
		h.advance(10 * sec)
		c := h.expectCall(true)
		h.clk.Advance(400 * time.Millisecond)
		c.reply <- true
		h.waitStats("reply", func(st keepalive.Stats) bool { return st.Answered == uint64(i) })
		h.block()
	}
	h.m.Probe("network changed")
	h.expectCall(true)
	h.waitTimers(3)
	h.clk.Advance(1200*time.Millisecond - time.Millisecond)
	h.noRunResult()
	h.clk.Advance(time.Millisecond)
	if d := asDead(t, h.runResult()); d.ProbeWait != 1200*time.Millisecond {
		t.Fatalf("probe waited %s, want 3 × 400ms", d.ProbeWait)
	}
}

// TestProbeIgnoredWhenOff: mode off sends nothing, not even on request.
func TestProbeIgnoredWhenOff(t *testing.T) {
	h := start(t, keepalive.Settings{Mode: keepalive.ModeOff})
	h.m.Probe("network changed")
	h.m.Probe("network changed") // a second one replaces the first, never blocks
	time.Sleep(50 * time.Millisecond)
	if n := h.clk.Timers(); n != 0 {
		t.Fatalf("%d timers armed in mode off", n)
	}
	select {
	case c := <-h.conn.calls:
		t.Fatalf("mode off sent %+v", c)
	default:
	}
	h.noRunResult()
}
