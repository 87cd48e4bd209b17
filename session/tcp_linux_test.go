//go:build linux

package session

import (
	"context"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sshdash/sshdash/keepalive"
)

// userTimeout reads TCP_USER_TIMEOUT from c.
func userTimeout(t *testing.T, c net.Conn) time.Duration {
	t.Helper()
	return time.Duration(sockOpt(t, c.(*net.TCPConn), unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT)) * time.Millisecond
}

// The heartbeat's TCP settings reach the session's socket, under the
// dialer's own wrappers, when the link comes up and when they change.
func TestSessionHeartbeatSetsTheSocket(t *testing.T) {
	checkLeaks(t)
	f := newFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	opts := f.options(ReattachNone)
	first := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 2 * time.Second, Count: 3}
	opts.Heartbeat = first
	s := m.Open(opts)
	ev.waitState(t, Up)
	f.cut.mu.Lock()
	conn := f.cut.conns[0]
	f.cut.mu.Unlock()
	if got, want := userTimeout(t, conn), keepalive.UserTimeout(first); got != want {
		t.Fatalf("TCP_USER_TIMEOUT %v once up, want %v", got, want)
	}
	next := keepalive.Settings{Mode: keepalive.ModeProbe, Interval: 5 * time.Second, Count: 4}
	s.SetHeartbeat(next)
	if got, want := userTimeout(t, conn), keepalive.UserTimeout(next); got != want {
		t.Fatalf("TCP_USER_TIMEOUT %v after the change, want %v", got, want)
	}
	m.CloseAll(context.Background())
}
