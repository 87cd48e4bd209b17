package session

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/keepalive"
)

// A changed heartbeat applies to an open session at once.
func TestSessionHeartbeatChangeAppliesAtOnce(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := f.options(ReattachNone)
	opts.Heartbeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Hour, Count: 3}
	s := m.Open(opts)
	ev.waitState(t, Up)
	time.Sleep(300 * time.Millisecond)
	if n := s.Status().Heartbeat.Sent; n != 0 {
		t.Fatalf("%d heartbeats with a one-hour interval", n)
	}
	s.SetHeartbeat(keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 100 * time.Millisecond, Count: 3})
	ev.waitFor(t, "heartbeats at the new interval", func(e Event) bool {
		hb, ok := e.(HeartbeatUpdate)
		return ok && hb.Stats.Answered >= 3
	})
	if got := s.Status().Heartbeat.Settings.Interval; got != 100*time.Millisecond {
		t.Fatalf("interval %v after the change", got)
	}
	if !strings.Contains(logText(s), "heartbeat changed to probe 100ms×3") {
		t.Errorf("the change is not in the event log:\n%s", logText(s))
	}
	m.CloseAll(context.Background())
}

// A server that accepts TCP and never speaks fails its session within the
// connect timeout, and the other session is unaffected meanwhile.
func TestSessionBadServerLeavesOthersAlone(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	silent := startServer(t, sshtest.Options{Behavior: sshtest.Silent})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	good := m.Open(f.options(ReattachNone))
	ev.waitState(t, Up)

	tg := testTarget(t.TempDir(), silent.Port())
	tg.ConnectTimeout = time.Second
	badOpts := f.options(ReattachNone)
	badOpts.Alias = "silent"
	badOpts.Dial = func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
		c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn})
		if err != nil {
			return nil, nil, err
		}
		return c.Client(), c.Close, nil
	}
	bad := m.Open(badOpts)
	ev.waitFor(t, "the silent server's attempt to fail", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.ID == bad.ID() && sc.To == Reconnecting && sc.Cause != nil
	})
	if _, err := good.Write([]byte("echo still-here\r")); err != nil {
		t.Fatal(err)
	}
	screenHas(t, good, "still-here")
	if st := good.Status().State; st != Up {
		t.Fatalf("the good session is %s", st)
	}
	bad.Close()
	m.CloseAll(context.Background())
}

// A forward that cannot bind is an error for that forward only: the other
// forward and the session keep working.
func TestSessionForwardBindFailureIsolated(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	freeAddr := free.Addr().String()
	free.Close()
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := f.options(ReattachNone)
	opts.Forwards = []Forward{
		{Kind: 'L', Listen: busy.Addr().String(), Target: "127.0.0.1:1"},
		{Kind: 'D', Listen: freeAddr},
	}
	s := m.Open(opts)
	ev.waitState(t, Up)
	deadline := time.Now().Add(5 * time.Second)
	var tun []TunnelStatus
	for time.Now().Before(deadline) {
		if tun = s.Status().Tunnels; len(tun) == 2 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(tun) != 2 || tun[0].Up || tun[0].Error == nil || !tun[1].Up {
		t.Fatalf("tunnels %+v: want the busy one failed with an error and the other up", tun)
	}
	if !strings.Contains(tun[0].Error.Error(), "cannot listen on "+busy.Addr().String()) {
		t.Errorf("unclear error: %v", tun[0].Error)
	}
	s.Write([]byte("echo session-fine\r"))
	screenHas(t, s, "session-fine")
	m.CloseAll(context.Background())
}

// A tunnel-only session (ssh -N) forwards, survives a drop by reconnecting,
// and closes cleanly.
func TestSessionTunnelOnlyReconnects(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	go func() {
		for {
			c, err := target.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("hello-through-the-tunnel\n"))
			c.Close()
		}
	}()
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	listen := free.Addr().String()
	free.Close()
	f.srv.Close()
	f = newFixtureWith(t, sshtest.Options{AllowForwarding: true})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := f.options(ReattachNone)
	opts.TunnelOnly = true
	opts.Forwards = []Forward{{Kind: 'L', Listen: listen, Target: target.Addr().String()}}
	s := m.Open(opts)
	ev.waitState(t, Up)
	read := func() string {
		c, err := net.DialTimeout("tcp", listen, 2*time.Second)
		if err != nil {
			return err.Error()
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		return string(buf[:n])
	}
	if got := read(); !strings.Contains(got, "hello-through-the-tunnel") {
		t.Fatalf("through the tunnel: %q", got)
	}
	f.cut.cut(false)
	ev.waitState(t, Dropped)
	ev.waitFor(t, "up again", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.To == Up && sc.From != Connecting
	})
	deadline := time.Now().Add(5 * time.Second)
	for got := read(); !strings.Contains(got, "hello-through-the-tunnel"); got = read() {
		if time.Now().After(deadline) {
			t.Fatalf("tunnel after the reconnect: %q", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Close()
	m.CloseAll(context.Background())
}

// Every failed attempt is in the event log; identical consecutive failures
// share one entry that counts them.
func TestSessionAttemptsFoldInTheLog(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	f.cut.setRefuse(true)
	s := m.Open(f.options(ReattachNone))
	ev.waitFor(t, "several attempts", func(e Event) bool {
		sc, ok := e.(StateChanged)
		return ok && sc.To == Reconnecting && s.Status().Attempt >= 5
	})
	f.cut.setRefuse(false)
	ev.waitState(t, Up)
	log := logText(s)
	if !strings.Contains(log, "attempts 1–") || strings.Count(log, "failed") != 1 {
		t.Fatalf("identical failures should fold into one entry:\n%s", log)
	}
	m.CloseAll(context.Background())
}
