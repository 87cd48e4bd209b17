package labtest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/session"
)

// TestLabHeartbeatKeepsIdleSessionAcrossNAT: behind a NAT that forgets idle
// flows after 15 s, a session with a 5 s heartbeat idles 60 s and still
// works, on the same TCP connection, never having dropped.
func TestLabHeartbeatKeepsIdleSessionAcrossNAT(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 15 * time.Second})
	if lab == nil {
		return
	}
	_, s, rec := labSession(t, lab, keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 3}, session.ReattachNone)
	dir := t.TempDir()
	start := time.Now()
	run(t, s, "echo $SSH_CONNECTION > "+filepath.Join(dir, "before"))
	before := waitFile(t, filepath.Join(dir, "before"), 10*time.Second)
	time.Sleep(60 * time.Second)
	run(t, s, "echo $SSH_CONNECTION > "+filepath.Join(dir, "after"))
	after := waitFile(t, filepath.Join(dir, "after"), 10*time.Second)
	if before != after {
		t.Fatalf("connection changed: %q then %q", before, after)
	}
	for _, st := range rec.states(start) {
		if st == session.Dropped || st == session.Reconnecting {
			t.Fatalf("session dropped while idle:\n%s", rec.dump())
		}
	}
	if hb := s.Status().Heartbeat; hb.Answered < 5 {
		t.Fatalf("only %d heartbeats answered in 60 s", hb.Answered)
	}
}

// TestLabNoHeartbeatDiesBehindNAT proves the lab is real: with heartbeat and
// TCP keepalive off, the same idle session is dead after the NAT forgot it.
func TestLabNoHeartbeatDiesBehindNAT(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 15 * time.Second})
	if lab == nil {
		return
	}
	_, s, _ := labSession(t, lab, keepalive.Settings{Mode: keepalive.ModeOff}, session.ReattachNone, "TCPKeepAlive no")
	dir := t.TempDir()
	run(t, s, "echo ok > "+filepath.Join(dir, "before"))
	waitFile(t, filepath.Join(dir, "before"), 10*time.Second)
	time.Sleep(30 * time.Second)
	_, _ = s.Write([]byte("echo ok > " + filepath.Join(dir, "after") + "\r"))
	time.Sleep(5 * time.Second)
	if !fileGone(filepath.Join(dir, "after")) {
		t.Fatal("the command reached the server: the NAT did not forget the idle flow, so the lab proves nothing")
	}
}

// TestLabBlackholeStaleAndDead: under a silent blackhole the session shows
// Stale within interval + 1 s and is declared dead (Dropped) within
// interval × (count + 1) + 1 s.
func TestLabBlackholeStaleAndDead(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	hb := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 3 * time.Second, Count: 2}
	_, s, rec := labSession(t, lab, hb, session.ReattachNone)
	// Let one heartbeat complete so the link is known good.
	deadline := time.Now().Add(10 * time.Second)
	for s.Status().Heartbeat.Answered == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	lab.Blackhole(t)
	defer lab.Unblackhole(t)
	cut := time.Now()
	stale := rec.waitState(t, session.Stale, cut, hb.Interval+5*time.Second)
	dead := rec.waitState(t, session.Dropped, cut, hb.DeadAfter()+5*time.Second)
	t.Logf("stale after %s (bound %s), dead after %s (bound %s)", stale.Sub(cut), hb.Interval+time.Second, dead.Sub(cut), hb.DeadAfter()+time.Second)
	if d := stale.Sub(cut); d > hb.Interval+time.Second {
		t.Errorf("stale shown %s after the blackhole, want within %s", d, hb.Interval+time.Second)
	}
	if d := dead.Sub(cut); d > hb.DeadAfter()+time.Second {
		t.Errorf("dead declared %s after the blackhole, want within %s", d, hb.DeadAfter()+time.Second)
	}
}
