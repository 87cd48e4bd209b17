package keepalive

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"
)

// TCPKeepAlive returns the kernel keepalive configuration for a connection
// with settings s: a probe every Interval once the connection has been idle,
// Count unanswered probes drop it. In tcp and off modes it starts after
// Interval of idleness (Interval × (Count+1) in all, as s.DeadAfter). In
// probe and noop modes the SSH heartbeat already keeps the link busy every
// Interval, so kernel keepalive is only a backstop that starts after
// DeadAfter of idleness and never doubles the heartbeat's packets. enable
// false (ssh_config TCPKeepAlive no) turns it off. The kernel counts whole
// seconds.
func TCPKeepAlive(s Settings, enable bool) net.KeepAliveConfig {
	if !enable {
		return net.KeepAliveConfig{Enable: false, Idle: -1, Interval: -1, Count: -1}
	}
	s = s.Normalized()
	idle := s.Interval
	if s.Mode == ModeProbe || s.Mode == ModeNoop {
		idle = s.DeadAfter()
	}
	return net.KeepAliveConfig{Enable: true, Idle: idle, Interval: s.Interval, Count: s.Count}
}

// UserTimeout is the TCP_USER_TIMEOUT backstop for settings s: data left
// unacknowledged for this long ends the connection instead of letting it
// hang for the kernel's 15+ minutes of retransmissions. It is
// s.DeadAfter() of the normalized settings, for every mode (off included:
// the backstop only ever ends a connection that is already not moving).
func UserTimeout(s Settings) time.Duration { return s.Normalized().DeadAfter() }

// Dialer returns a net.Dialer for SSH transports with settings s: kernel
// keepalive as TCPKeepAlive(s, tcpKeepAlive) and, on Linux,
// TCP_USER_TIMEOUT = UserTimeout(s) set on the socket before connecting.
// Callers may set further fields (Timeout, LocalAddr) on the result.
func Dialer(s Settings, tcpKeepAlive bool) *net.Dialer {
	d := &net.Dialer{KeepAliveConfig: TCPKeepAlive(s, tcpKeepAlive)}
	if !tcpKeepAlive {
		d.KeepAlive = -1 // otherwise net enables its own 15 s default
	}
	ut := UserTimeout(s)
	d.Control = func(network, _ string, c syscall.RawConn) error {
		switch network {
		case "tcp", "tcp4", "tcp6":
		default:
			return nil
		}
		var serr error
		if err := c.Control(func(fd uintptr) { serr = setUserTimeoutFD(fd, ut) }); err != nil {
			return fmt.Errorf("keepalive: setting TCP_USER_TIMEOUT: %w", err)
		}
		if serr != nil && !errors.Is(serr, errors.ErrUnsupported) {
			return fmt.Errorf("keepalive: setting TCP_USER_TIMEOUT: %w", serr)
		}
		return nil
	}
	return d
}

// netConner is implemented by wrappers that expose the conn they wrap, as
// WatchConn's result and *tls.Conn do.
type netConner interface{ NetConn() net.Conn }

// TCPConn unwraps c (through NetConn methods, as of WatchConn's result)
// down to its *net.TCPConn, or returns nil when c is not a TCP socket.
func TCPConn(c net.Conn) *net.TCPConn {
	for range 8 { // bounded: wrappers never nest deeply
		switch v := c.(type) {
		case *net.TCPConn:
			return v
		case netConner:
			c = v.NetConn()
		default:
			return nil
		}
	}
	return nil
}

// ErrNotTCP is returned by SetUserTimeout and SetTCP for connections that
// are not TCP sockets (a ProxyCommand's pipes, for example).
var ErrNotTCP = errors.New("keepalive: not a TCP connection")

// SetUserTimeout sets TCP_USER_TIMEOUT on an established connection: for
// live settings changes and for connections the Dialer did not make (a
// ProxyJump's direct-tcpip channel is not a socket and returns ErrNotTCP).
// c may be wrapped by WatchConn. d <= 0 restores the kernel default. On
// systems without TCP_USER_TIMEOUT it returns an error wrapping
// errors.ErrUnsupported.
func SetUserTimeout(c net.Conn, d time.Duration) error {
	tc := TCPConn(c)
	if tc == nil {
		return ErrNotTCP
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return fmt.Errorf("keepalive: setting TCP_USER_TIMEOUT: %w", err)
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = setUserTimeoutFD(fd, d) }); err != nil {
		return fmt.Errorf("keepalive: setting TCP_USER_TIMEOUT: %w", err)
	}
	if serr != nil {
		return fmt.Errorf("keepalive: setting TCP_USER_TIMEOUT: %w", serr)
	}
	return nil
}

// SetTCP applies settings s to an established connection as Dialer would
// have: kernel keepalive and TCP_USER_TIMEOUT. A missing TCP_USER_TIMEOUT
// (non-Linux) is not an error here.
func SetTCP(c net.Conn, s Settings, tcpKeepAlive bool) error {
	tc := TCPConn(c)
	if tc == nil {
		return ErrNotTCP
	}
	if err := tc.SetKeepAliveConfig(TCPKeepAlive(s, tcpKeepAlive)); err != nil {
		return fmt.Errorf("keepalive: setting TCP keepalive: %w", err)
	}
	if err := SetUserTimeout(tc, UserTimeout(s)); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}
