package keepalive

import (
	"errors"
	"net"
	"runtime"
	"testing"
	"time"
)

func TestTCPKeepAliveConfig(t *testing.T) {
	s := Settings{Mode: ModeProbe, Interval: 5 * time.Second, Count: 4}
	// With SSH heartbeats, kernel keepalive is a backstop after DeadAfter.
	got := TCPKeepAlive(s, true)
	want := net.KeepAliveConfig{Enable: true, Idle: 25 * time.Second, Interval: 5 * time.Second, Count: 4}
	if got != want {
		t.Errorf("TCPKeepAlive(probe) = %+v, want %+v", got, want)
	}
	// In tcp mode the kernel is the heartbeat: idle after one interval.
	got = TCPKeepAlive(Settings{Mode: ModeTCP, Interval: 5 * time.Second, Count: 4}, true)
	want = net.KeepAliveConfig{Enable: true, Idle: 5 * time.Second, Interval: 5 * time.Second, Count: 4}
	if got != want {
		t.Errorf("TCPKeepAlive(tcp) = %+v, want %+v", got, want)
	}
	if got := TCPKeepAlive(s, false); got.Enable {
		t.Errorf("disabled config enables: %+v", got)
	}
	if d := Dialer(s, false); d.KeepAlive >= 0 || d.KeepAliveConfig.Enable {
		t.Errorf("Dialer(tcpKeepAlive=false) leaves keepalive on: %v %+v", d.KeepAlive, d.KeepAliveConfig)
	}
	// Off mode keeps the TCP backstop, with the default interval.
	if got := UserTimeout(Settings{Mode: ModeOff}); got != DefaultInterval*(DefaultCount+1) {
		t.Errorf("UserTimeout(off) = %v", got)
	}
	if got := UserTimeout(s); got != 25*time.Second {
		t.Errorf("UserTimeout = %v, want 25s", got)
	}
}

// readUserTimeout reads TCP_USER_TIMEOUT back from a conn.
func readUserTimeout(t *testing.T, c net.Conn) time.Duration {
	t.Helper()
	raw, err := TCPConn(c).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var d time.Duration
	var gerr error
	if err := raw.Control(func(fd uintptr) { d, gerr = userTimeoutFD(fd) }); err != nil {
		t.Fatal(err)
	}
	if gerr != nil {
		t.Fatal(gerr)
	}
	return d
}

func TestDialerAndSetUserTimeout(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("TCP_USER_TIMEOUT is Linux-only")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()

	s := Settings{Mode: ModeProbe, Interval: 2 * time.Second, Count: 3}
	c, err := Dialer(s, true).Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if peer := <-accepted; peer != nil {
		defer peer.Close()
	}
	if got := readUserTimeout(t, c); got != 8*time.Second {
		t.Errorf("TCP_USER_TIMEOUT after Dial = %v, want 8s", got)
	}

	// Live change, through the WatchConn wrapper.
	w := WatchConn(c, NewActivity(nil))
	if err := SetUserTimeout(w, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := readUserTimeout(t, c); got != 1500*time.Millisecond {
		t.Errorf("TCP_USER_TIMEOUT after SetUserTimeout = %v", got)
	}
	if err := SetTCP(w, Settings{Mode: ModeTCP, Interval: time.Second, Count: 1}, true); err != nil {
		t.Fatal(err)
	}
	if got := readUserTimeout(t, c); got != 2*time.Second {
		t.Errorf("TCP_USER_TIMEOUT after SetTCP = %v, want 2s", got)
	}
	if err := SetUserTimeout(w, 0); err != nil {
		t.Fatal(err)
	}
	if got := readUserTimeout(t, c); got != 0 {
		t.Errorf("TCP_USER_TIMEOUT after reset = %v", got)
	}
}

func TestNotTCP(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if err := SetUserTimeout(a, time.Second); !errors.Is(err, ErrNotTCP) {
		t.Errorf("SetUserTimeout(pipe) = %v", err)
	}
	if err := SetTCP(WatchConn(a, NewActivity(nil)), Default(), true); !errors.Is(err, ErrNotTCP) {
		t.Errorf("SetTCP(pipe) = %v", err)
	}
}

func TestSettingsValidate(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Error(err)
	}
	for _, s := range []Settings{
		{Mode: "ping", Interval: time.Second, Count: 1},
		{Mode: ModeProbe, Interval: 0, Count: 1},
		{Mode: ModeProbe, Interval: time.Second, Count: 0},
	} {
		if s.Validate() == nil {
			t.Errorf("%+v validated", s)
		}
		if n := s.Normalized(); n.Validate() != nil {
			t.Errorf("Normalized(%+v) = %+v is invalid", s, n)
		}
	}
}
