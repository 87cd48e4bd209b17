package labtest

import (
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/keepalive"
	"github.com/sshdash/sshdash/netwatch"
	"github.com/sshdash/sshdash/session"
)

// TestLabNetworkChangeProbesAtOnce: two sessions with a 10 s × 3
// heartbeat. An address added on the client's interface while the links
// work makes the watcher probe them: both answer and stay up. Then the
// router blackholes everything and another address is added: the dead
// links are found in under a second (their heartbeat alone would take
// interval × (count+1) = 40 s), with "network changed" as the cause, and
// they come back once the router forwards again.
func TestLabNetworkChangeProbesAtOnce(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	watchdog(t, 3*time.Minute)
	hb := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 10 * time.Second, Count: 3}
	m1, s1, rec1 := labSession(t, lab, hb, session.ReattachNone)
	m2, s2, rec2 := labSession(t, lab, hb, session.ReattachNone)

	// The watcher runs in this process, inside the client namespace.
	var mu sync.Mutex // guards changes
	var changes []netwatch.Change
	w := netwatch.New(netwatch.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- w.Run(ctx, func(c netwatch.Change) {
			mu.Lock()
			changes = append(changes, c)
			mu.Unlock()
			m1.ProbeAll(c.Reason())
			m2.ProbeAll(c.Reason())
		})
	}()
	defer func() { cancel(); <-done }()
	seen := func() int { mu.Lock(); defer mu.Unlock(); return len(changes) }

	dev := "c0" + strings.TrimPrefix(lab.Client, "sdc")
	addAddr := func(addr string) {
		t.Helper()
		if out, err := exec.Command("ip", "addr", "add", addr, "dev", dev).CombinedOutput(); err != nil {
			t.Fatalf("ip addr add %s dev %s: %v\n%s", addr, dev, err, out)
		}
	}

	// A live link answers the probe and is not dropped.
	a1, a2 := s1.Status().Heartbeat.Answered, s2.Status().Heartbeat.Answered
	sent1, sent2 := s1.Status().Heartbeat.Sent, s2.Status().Heartbeat.Sent
	before := time.Now()
	addAddr("198.18.1.10/24")
	deadline := time.Now().Add(5 * time.Second) // the next heartbeat is 10 s away
	for s1.Status().Heartbeat.Answered == a1 || s2.Status().Heartbeat.Answered == a2 {
		if time.Now().After(deadline) {
			t.Fatalf("the probes after the address change were not answered (%d changes seen); events:\n%s\n%s", seen(), rec1.dump(), rec2.dump())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if s1.Status().Heartbeat.Sent == sent1 || s2.Status().Heartbeat.Sent == sent2 {
		t.Fatal("no probe was sent after the address change")
	}
	time.Sleep(2 * time.Second) // longer than any probe waits
	for _, rec := range []*recorder{rec1, rec2} {
		for _, st := range rec.states(before) {
			if st == session.Dropped || st == session.Reconnecting {
				t.Fatalf("a live link was dropped by the probe:\n%s", rec.dump())
			}
		}
	}

	// A dead link is found at once.
	lab.Blackhole(t)
	unblocked := false
	defer func() {
		if !unblocked {
			lab.Unblackhole(t)
		}
	}()
	n := seen()
	changed := time.Now()
	addAddr("198.18.1.11/24")
	d1 := rec1.waitState(t, session.Dropped, changed, 10*time.Second)
	d2 := rec2.waitState(t, session.Dropped, changed, 10*time.Second)
	worst := max(d1.Sub(changed), d2.Sub(changed))
	t.Logf("dead links found %s and %s after the address change (heartbeat alone: %s); %d change reports", d1.Sub(changed), d2.Sub(changed), hb.DeadAfter(), seen()-n)
	if worst >= time.Second {
		t.Errorf("dead links found %s after the address change, want under 1 s", worst)
	}
	for _, s := range []*session.Session{s1, s2} {
		if c := s.Status().DropCause; c != session.CauseNetworkChanged {
			t.Errorf("session %d drop cause %q, want %q", s.ID(), c, session.CauseNetworkChanged)
		}
	}

	lab.Unblackhole(t)
	unblocked = true
	rec1.waitState(t, session.Up, changed, 20*time.Second)
	rec2.waitState(t, session.Up, changed, 20*time.Second)
}
