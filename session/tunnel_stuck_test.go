package session

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/keepalive"
)

// freezer dials through a cutter and can turn the connections it made into
// black holes: writes vanish and nothing more is read, while the sockets
// stay open (a link that died without a FIN, as in a NAT that forgot it).
type freezer struct {
	cut   *cutter
	mu    sync.Mutex // guards conns
	conns []*freezeConn
}

type freezeConn struct {
	net.Conn
	frozen atomic.Bool
}

func (c *freezeConn) Read(p []byte) (int, error) {
	for {
		n, err := c.Conn.Read(p)
		if err != nil || !c.frozen.Load() {
			return n, err
		}
	}
}

func (c *freezeConn) Write(p []byte) (int, error) {
	if c.frozen.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (f *freezer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := f.cut.dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	fc := &freezeConn{Conn: c}
	f.mu.Lock()
	f.conns = append(f.conns, fc)
	f.mu.Unlock()
	return fc, nil
}

// freeze black-holes every connection made so far.
func (f *freezer) freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.conns {
		c.frozen.Store(true)
	}
	f.conns = nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// silentTarget accepts connections and never sends a byte.
func silentTarget(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex // guards held
	var held []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// stuckClients connects the clients that used to hold a session's
// teardown forever: idle ones, half-open ones, and ones that never finish
// the SOCKS handshake, plus a SOCKS client in the middle of a copy.
func stuckClients(t *testing.T, socks, local, target string) []net.Conn {
	t.Helper()
	dial := func(addr string) net.Conn {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("connect to %s: %v", addr, err)
		}
		return c
	}
	var cs []net.Conn
	cs = append(cs, dial(socks)) // idle: says nothing at all
	half := dial(socks)          // half-open: half a greeting, then its write side closes
	half.Write([]byte{5, 2, 0})
	half.(*net.TCPConn).CloseWrite()
	cs = append(cs, half)
	partial := dial(socks) // greeting done, request never finished
	partial.Write([]byte{5, 1, 0})
	io.ReadFull(partial, make([]byte, 2))
	partial.Write([]byte{5, 1, 0, 3, 16, 'a', 'b', 'c'})
	cs = append(cs, partial)
	copying := dial(socks) // a finished CONNECT to a target that never speaks
	host, port, _ := net.SplitHostPort(target)
	ip := net.ParseIP(host).To4()
	p := []byte{byte(mustAtoi(port) >> 8), byte(mustAtoi(port))}
	copying.Write([]byte{5, 1, 0})
	io.ReadFull(copying, make([]byte, 2))
	copying.Write(append(append([]byte{5, 1, 0, 1}, ip...), p...))
	reply := make([]byte, 10)
	copying.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(copying, reply); err != nil || reply[1] != 0 {
		t.Fatalf("SOCKS CONNECT through the tunnel: %v %v", err, reply)
	}
	copying.SetReadDeadline(time.Time{})
	cs = append(cs, copying)
	cs = append(cs, dial(local)) // -L idle, connected through to the silent target
	lhalf := dial(local)         // -L half-open
	lhalf.(*net.TCPConn).CloseWrite()
	cs = append(cs, lhalf)
	return cs
}

func mustAtoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// released checks that every client's connection was closed by the
// session (a read ends) within a generous bound.
func released(t *testing.T, what string, cs []net.Conn) {
	t.Helper()
	for i, c := range cs {
		c.SetReadDeadline(time.Now().Add(15 * time.Second))
		if _, err := io.Copy(io.Discard, c); isTimeout(err) {
			t.Errorf("%s: client %d still held by the session", what, i)
		}
		c.Close()
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Clients that are idle, half-open or stuck in the SOCKS handshake, and a
// -L dial over a link that died silently, never hold up a reconnect or a
// Close: the link is closed first, and every step of a tunnel ends with it.
func TestTunnelsStuckClientsNeverBlock(t *testing.T) {
	for _, when := range []string{"reconnect", "close", "close on a dead link"} {
		t.Run(strings.ReplaceAll(when, " ", "-"), func(t *testing.T) {
			checkLeaks(t)
			defer stallWatchdog(t, "tunnels with stuck clients: "+when, 90*time.Second)()
			f := newFixtureWith(t, sshtest.Options{AllowForwarding: true})
			fz := &freezer{cut: f.cut}
			target := silentTarget(t)
			socks, local := freeAddr(t), freeAddr(t)
			o := f.options(ReattachNone)
			tg := f.target
			o.Dial = func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
				c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, DialTCP: fz.dial, Fast: h.Fast})
				if err != nil {
					return nil, nil, err
				}
				return c.Client(), c.Close, nil
			}
			o.TunnelOnly = true
			o.Heartbeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 500 * time.Millisecond, Count: 2}
			o.Forwards = []Forward{{Kind: 'D', Listen: socks}, {Kind: 'L', Listen: local, Target: target}}
			m := NewManager(nil, nil)
			s := m.Open(o)
			until(func() bool { return s.Status().State == Up })
			cs := stuckClients(t, socks, local, target)
			time.Sleep(100 * time.Millisecond) // let every handler reach the step it blocks in

			switch when {
			case "reconnect":
				fz.freeze()
				// A -L client arriving now dials over the dead link.
				c, err := net.Dial("tcp", local)
				if err != nil {
					t.Fatal(err)
				}
				cs = append(cs, c)
				until(func() bool { return strings.Contains(logText(s), "reconnected after") && s.Status().State == Up })
				released(t, "after the reconnect", cs)
				// The tunnels work on the new link.
				cs = stuckClients(t, socks, local, target)
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
				released(t, "after close", cs)
			case "close":
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
				released(t, "after close", cs)
			case "close on a dead link":
				fz.freeze()
				c, err := net.Dial("tcp", local)
				if err != nil {
					t.Fatal(err)
				}
				cs = append(cs, c)
				time.Sleep(100 * time.Millisecond)
				if err := s.Close(); err != nil {
					t.Errorf("close: %v", err)
				}
				released(t, "after close", cs)
			}
			if err := s.Close(); err != nil { // idempotent
				t.Errorf("second close: %v", err)
			}
			m.CloseAll(context.Background())
		})
	}
}

// Quitting with sessions whose links died silently: CloseAll gives up the
// remote cleanup when its context ends and returns soon after, well
// before the per-session cleanup bound, saying what may be left running.
// Close is idempotent and keeps the first result. The sessions are kept
// in tmux: a plain shell has nothing remote to end (see
// TestCloseEndsRemoteOnlyWhatWasStarted).
func TestCloseAllBoundedOnDeadLinks(t *testing.T) {
	needTmux(t)
	checkLeaks(t)
	defer stallWatchdog(t, "CloseAll on dead links", 60*time.Second)()
	f := newFixture(t)
	fz := &freezer{cut: f.cut}
	tg := f.target
	m := NewManager(nil, nil)
	var ss []*Session
	for i := 0; i < 4; i++ {
		o := f.options(ReattachTmux)
		o.Heartbeat = keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Minute, Count: 3}
		o.Dial = func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, DialTCP: fz.dial, Fast: h.Fast})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		}
		ss = append(ss, m.Open(o))
	}
	for _, s := range ss {
		waitMethodKnown(t, s)
	}
	fz.freeze()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.CloseAll(ctx)
	took := time.Since(start)
	t.Logf("CloseAll of %d sessions on dead links with a 300ms context took %s", len(ss), took.Round(time.Millisecond))
	if took >= killTimeout {
		t.Errorf("CloseAll took %s: it waited for the remote cleanup past its deadline", took)
	}
	if err == nil || !strings.Contains(err.Error(), "ending the remote session") {
		t.Errorf("CloseAll: %v, want an error saying the remote sessions may be left", err)
	}
	for _, s := range ss {
		select {
		case <-s.Done():
		default:
			t.Fatalf("%s not ended after CloseAll", s.Alias())
		}
		if st := s.Status(); st.State != Closed {
			t.Errorf("%s: %s after CloseAll, want closed", s.Alias(), st.State)
		}
		first := s.Close()
		if again := s.Close(); first == nil || again != first {
			t.Errorf("Close after CloseAll: %v then %v, want the same first error", first, again)
		}
	}
}
