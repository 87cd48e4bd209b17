package session

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Forward is one tunnel of a session, as LocalForward, RemoteForward and
// DynamicForward in ssh_config.
type Forward struct {
	Kind   byte   // 'L' local, 'R' remote, 'D' dynamic (SOCKS5)
	Listen string // host:port to listen on (locally for L and D, on the server for R)
	Target string // host:port to connect to (on the server side for L, locally for R); empty for D
}

// String renders the forward as in ssh's -L/-R/-D notation.
func (f Forward) String() string {
	if f.Kind == 'D' {
		return "D " + f.Listen
	}
	return fmt.Sprintf("%c %s → %s", f.Kind, f.Listen, f.Target)
}

// ParseForward parses a forward as ssh -G prints it: kind 'L' or 'R' with
// "[bind:]port host:hostport", or 'D' with "[bind:]port". A bare port
// listens on localhost, as ssh does with the default GatewayPorts no.
func ParseForward(kind byte, spec string) (Forward, error) {
	f := Forward{Kind: kind}
	fields := strings.Fields(spec)
	want := 2
	if kind == 'D' {
		want = 1
	}
	if len(fields) != want {
		return f, fmt.Errorf("forward %q: want %d fields", spec, want)
	}
	f.Listen = listenAddr(fields[0])
	if kind != 'D' {
		f.Target = fields[1]
		if _, _, err := net.SplitHostPort(f.Target); err != nil {
			return f, fmt.Errorf("forward %q: target: %w", spec, err)
		}
	}
	if _, port, err := net.SplitHostPort(f.Listen); err != nil {
		return f, fmt.Errorf("forward %q: listen address: %w", spec, err)
	} else if _, err := strconv.Atoi(port); err != nil {
		return f, fmt.Errorf("forward %q: port %q is not a number", spec, port)
	}
	return f, nil
}

func listenAddr(s string) string {
	if _, err := strconv.Atoi(s); err == nil {
		return net.JoinHostPort("localhost", s)
	}
	if i := strings.LastIndex(s, ":"); i >= 0 {
		host := s[:i]
		if host == "*" {
			host = ""
		}
		return net.JoinHostPort(strings.Trim(host, "[]"), s[i+1:])
	}
	return s
}

// startForwards sets up the session's tunnels on a new link; they end with
// ctx. Each forward reports its own state: one that cannot bind is an error
// for that forward only. The returned stop function waits for every tunnel
// goroutine; the caller closes the link and ends ctx first, so none of
// them can block it (see serve).
func (s *Session) startForwards(ctx context.Context, l *link) (stop func()) {
	if len(s.opts.Forwards) == 0 {
		return func() {}
	}
	var wg sync.WaitGroup
	statuses := make([]TunnelStatus, len(s.opts.Forwards))
	for i, f := range s.opts.Forwards {
		statuses[i] = TunnelStatus{Spec: f.String()}
		ln, err := f.listen(l.client)
		if err != nil {
			statuses[i].Error = err
			s.logf("tunnel %s: %v", f, err)
			continue
		}
		statuses[i].Up = true
		wg.Add(2)
		go func() { defer wg.Done(); <-ctx.Done(); ln.Close() }()
		go func() { defer wg.Done(); serveForward(ctx, ln, f, l.client) }()
	}
	s.mu.Lock()
	s.status.Tunnels = statuses
	s.mu.Unlock()
	return func() {
		wg.Wait()
		s.mu.Lock()
		for i := range s.status.Tunnels {
			s.status.Tunnels[i].Up = false
		}
		s.mu.Unlock()
	}
}

func (f Forward) listen(c *ssh.Client) (net.Listener, error) {
	if f.Kind == 'R' {
		ln, err := c.Listen("tcp", f.Listen)
		if err != nil {
			return nil, fmt.Errorf("server refused to listen on %s: %w", f.Listen, err)
		}
		return ln, nil
	}
	ln, err := net.Listen("tcp", f.Listen)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", f.Listen, err)
	}
	return ln, nil
}

// socksHandshakeTimeout bounds a SOCKS client's greeting and request: a
// client that connects and never finishes them does not hold a goroutine
// and a socket for the rest of the link's life.
const socksHandshakeTimeout = 30 * time.Second

// serveForward accepts connections on ln and connects each through the
// tunnel, until ln is closed. Every connection is closed when ctx ends,
// whatever step it is in, so the final wait is bounded.
func serveForward(ctx context.Context, ln net.Listener, f Forward, c *ssh.Client) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			handleForwardConn(ctx, conn, f, c)
		}()
	}
}

func handleForwardConn(ctx context.Context, conn net.Conn, f Forward, c *ssh.Client) {
	defer conn.Close()
	// From here on the link's end closes the client's connection, which
	// ends a SOCKS handshake or a copy in progress. A Dial over the link
	// returns when the link is closed (serve closes it first).
	stopConn := context.AfterFunc(ctx, func() { conn.Close() })
	defer stopConn()
	var (
		remote net.Conn
		err    error
	)
	switch f.Kind {
	case 'L':
		remote, err = c.Dial("tcp", f.Target)
	case 'R':
		var d net.Dialer
		remote, err = d.DialContext(ctx, "tcp", f.Target)
	case 'D':
		_ = conn.SetDeadline(time.Now().Add(socksHandshakeTimeout))
		remote, err = socksConnect(conn, c)
		_ = conn.SetDeadline(time.Time{})
	}
	if err != nil {
		return
	}
	defer remote.Close()
	stop := context.AfterFunc(ctx, func() { remote.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(remote, conn); closeWrite(remote); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, remote); closeWrite(conn); done <- struct{}{} }()
	<-done
	<-done
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// socksConnect speaks the server side of a SOCKS5 CONNECT (no
// authentication) on conn and dials the requested address through c.
func socksConnect(conn net.Conn, c *ssh.Client) (net.Conn, error) {
	hdr := make([]byte, 2)
	if _, err := io.ReadFull(conn, hdr); err != nil || hdr[0] != 5 {
		return nil, errors.New("socks: not a SOCKS5 client")
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(conn, methods); err != nil {
		return nil, err
	}
	if _, err := conn.Write([]byte{5, 0}); err != nil {
		return nil, err
	}
	req := make([]byte, 4)
	if _, err := io.ReadFull(conn, req); err != nil {
		return nil, err
	}
	reply := func(code byte) { _, _ = conn.Write([]byte{5, code, 0, 1, 0, 0, 0, 0, 0, 0}) }
	if req[1] != 1 { // only CONNECT
		reply(7)
		return nil, errors.New("socks: only CONNECT is supported")
	}
	var host string
	switch req[3] {
	case 1:
		ip := make([]byte, 4)
		if _, err := io.ReadFull(conn, ip); err != nil {
			return nil, err
		}
		host = net.IP(ip).String()
	case 4:
		ip := make([]byte, 16)
		if _, err := io.ReadFull(conn, ip); err != nil {
			return nil, err
		}
		host = net.IP(ip).String()
	case 3:
		n := make([]byte, 1)
		if _, err := io.ReadFull(conn, n); err != nil {
			return nil, err
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(conn, name); err != nil {
			return nil, err
		}
		host = string(name)
	default:
		reply(8)
		return nil, errors.New("socks: unknown address type")
	}
	pb := make([]byte, 2)
	if _, err := io.ReadFull(conn, pb); err != nil {
		return nil, err
	}
	remote, err := c.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(pb)))))
	if err != nil {
		reply(5)
		return nil, err
	}
	reply(0)
	return remote, nil
}
