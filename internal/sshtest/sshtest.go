// Package sshtest runs an in-process SSH server on loopback for tests and
// the demo: a generated host key, configurable authentication (public
// keys, password, keyboard-interactive), sessions that run a real shell
// (under a real PTY via creack/pty when one is requested), direct-tcpip
// forwarding for ProxyJump, and misbehaving variants (a server that
// accepts TCP and never speaks, one that sends garbage).
//
// It is built on golang.org/x/crypto/ssh directly, so output reaches the
// client byte for byte (full-screen programs work) and exit statuses and
// signals are reported as OpenSSH reports them.
package sshtest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Behavior selects how the server treats connections.
type Behavior int

const (
	// Normal speaks SSH.
	Normal Behavior = iota
	// Silent accepts TCP connections and never sends a byte.
	Silent
	// Garbage sends Options.Garbage (or a line of junk) instead of an SSH
	// greeting, then nothing.
	Garbage
)

// KbdQuestion is one keyboard-interactive question and the answer the
// server expects.
type KbdQuestion struct {
	Text   string
	Echo   bool
	Answer string
}

// Options configure a Server. The zero value is a server nobody can log
// in to; set at least one authentication method (or NoClientAuth).
type Options struct {
	Behavior Behavior
	Garbage  []byte // Garbage behaviour: what to send

	HostSigner  ssh.Signer   // host key (may be a certificate signer); nil: a fresh ed25519 key
	HostSigners []ssh.Signer // further host keys (other types), offered too
	Version     string       // server version string; "" means "SSH-2.0-sshtest"
	Banner      string       // sent before authentication, if set

	User                string          // if set, the only user allowed in
	AuthorizedKeys      []ssh.PublicKey // public keys allowed in
	UserCA              ssh.PublicKey   // if set, user certificates signed by it are allowed in
	Password            string          // if set, password authentication with this password
	KeyboardInteractive []KbdQuestion   // if set, keyboard-interactive with these questions
	NoClientAuth        bool            // let anyone in without authentication
	MaxAuthTries        int             // 0: x/crypto's default (6); negative: unlimited

	Shell           string   // program for shells and commands; "" means /bin/sh
	Env             []string // extra environment for programs
	Dir             string   // working directory (and $HOME) for programs; "" means os.TempDir
	AllowForwarding bool     // accept direct-tcpip channels (ProxyJump through this server)
	RefuseExec      bool     // refuse exec requests, allow shells (as some network gear does)

	// WrapConn, if set, wraps each accepted connection (fault injection).
	WrapConn func(net.Conn) net.Conn
	// GlobalRequest, if set, sees each global request first (for example
	// keepalive@openssh.com); returning true means it replied itself.
	// Otherwise the server replies failure, as OpenSSH does to unknown
	// requests.
	GlobalRequest func(req *ssh.Request) bool
	// Logf, if set, receives the server's notes (connection errors).
	Logf func(format string, args ...any)
}

// Server is a running in-process SSH server.
type Server struct {
	opts    Options
	config  *ssh.ServerConfig
	ln      net.Listener
	hostKey ssh.PublicKey
	stopCtx func() bool    // stops the ctx watcher
	wg      sync.WaitGroup // every goroutine the server started

	mu       sync.Mutex // guards conns, closed, attempts, execs
	conns    map[net.Conn]struct{}
	closed   bool
	attempts map[string]int // authentication attempts by method
	execs    []string       // the command of every exec request received, in order
}

// Start starts a server on 127.0.0.1 with a free port. It stops when ctx
// ends or Close is called.
func Start(ctx context.Context, opts Options) (*Server, error) {
	s := &Server{opts: opts, conns: map[net.Conn]struct{}{}, attempts: map[string]int{}}
	signer := opts.HostSigner
	if signer == nil {
		var err error
		if signer, err = NewSigner(); err != nil {
			return nil, err
		}
	}
	s.hostKey = signer.PublicKey()
	s.config = s.serverConfig()
	s.config.AddHostKey(signer)
	for _, hs := range opts.HostSigners {
		s.config.AddHostKey(hs)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sshtest: listen: %w", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.accept()
	s.stopCtx = context.AfterFunc(ctx, func() { s.Close() })
	return s, nil
}

// NewSigner returns a fresh ed25519 signer (for host or user keys).
func NewSigner() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("sshtest: generate key: %w", err)
	}
	return ssh.NewSignerFromKey(priv)
}

// Addr returns the server's address, 127.0.0.1:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host returns "127.0.0.1".
func (s *Server) Host() string { return "127.0.0.1" }

// Port returns the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// HostKey returns the server's host key (the certificate, for a
// certificate signer).
func (s *Server) HostKey() ssh.PublicKey { return s.hostKey }

// AuthAttempts returns how many times clients tried method ("publickey",
// "password", "keyboard-interactive"), successful or not. Public key
// queries without a signature count too.
func (s *Server) AuthAttempts(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts[method]
}

// Execs returns the command of every exec request the server received,
// in order, refused or not (shell requests are not listed): tests count
// the extra channels a client opens.
func (s *Server) Execs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.execs...)
}

// Close stops listening, closes every connection (ending their programs)
// and waits for everything the server started. It is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	if s.stopCtx != nil {
		s.stopCtx()
	}
	s.wg.Wait()
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// track registers a connection; false if the server is closed.
func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *Server) recordExec(command string) {
	s.mu.Lock()
	s.execs = append(s.execs, command)
	s.mu.Unlock()
}

func (s *Server) countAttempt(method string) {
	s.mu.Lock()
	s.attempts[method]++
	s.mu.Unlock()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if !s.track(c) {
			c.Close()
			return
		}
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

// serveConn runs one connection until it ends.
func (s *Server) serveConn(raw net.Conn) {
	defer s.wg.Done()
	defer s.untrack(raw)
	defer raw.Close()
	c := raw
	if s.opts.WrapConn != nil {
		c = s.opts.WrapConn(raw)
	}
	switch s.opts.Behavior {
	case Silent:
		_, _ = io.Copy(io.Discard, c)
		return
	case Garbage:
		g := s.opts.Garbage
		if g == nil {
			g = []byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nthis is not an SSH server\r\n")
		}
		_, _ = c.Write(g)
		_, _ = io.Copy(io.Discard, c)
		return
	}
	sc, chans, reqs, err := ssh.NewServerConn(c, s.config)
	if err != nil {
		s.logf("sshtest: handshake: %v", err)
		return
	}
	defer sc.Close()
	s.wg.Add(1)
	go s.globalRequests(reqs)
	for nc := range chans {
		switch nc.ChannelType() {
		case "session":
			s.wg.Add(1)
			go s.session(sc, nc)
		case "direct-tcpip":
			if !s.opts.AllowForwarding {
				_ = nc.Reject(ssh.Prohibited, "forwarding is not allowed")
				continue
			}
			s.wg.Add(1)
			go s.directTCPIP(nc)
		default:
			_ = nc.Reject(ssh.UnknownChannelType, "unsupported channel type")
		}
	}
}

func (s *Server) globalRequests(reqs <-chan *ssh.Request) {
	defer s.wg.Done()
	for r := range reqs {
		if s.opts.GlobalRequest != nil && s.opts.GlobalRequest(r) {
			continue
		}
		if r.WantReply {
			_ = r.Reply(false, nil)
		}
	}
}

// directTCPIP connects a direct-tcpip channel to its destination.
func (s *Server) directTCPIP(nc ssh.NewChannel) {
	defer s.wg.Done()
	var p struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nc.ExtraData(), &p); err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, "bad direct-tcpip request")
		return
	}
	dst, err := net.Dial("tcp", net.JoinHostPort(p.Host, strconv.Itoa(int(p.Port))))
	if err != nil {
		_ = nc.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	if !s.track(dst) {
		dst.Close()
		_ = nc.Reject(ssh.ConnectionFailed, "server closing")
		return
	}
	defer s.untrack(dst)
	ch, reqs, err := nc.Accept()
	if err != nil {
		dst.Close()
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ssh.DiscardRequests(reqs)
	}()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(dst, ch)
		if tc, ok := dst.(*net.TCPConn); ok {
			_ = tc.CloseWrite()
		}
		close(done)
	}()
	_, _ = io.Copy(ch, dst)
	_ = ch.CloseWrite()
	<-done
	ch.Close()
	dst.Close()
}

// serverConfig builds the authentication part of the config.
func (s *Server) serverConfig() *ssh.ServerConfig {
	o := s.opts
	cfg := &ssh.ServerConfig{NoClientAuth: o.NoClientAuth, MaxAuthTries: o.MaxAuthTries, ServerVersion: o.Version}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = "SSH-2.0-sshtest"
	}
	userOK := func(c ssh.ConnMetadata) bool { return o.User == "" || c.User() == o.User }
	if len(o.AuthorizedKeys) > 0 || o.UserCA != nil {
		checker := &ssh.CertChecker{
			IsUserAuthority: func(auth ssh.PublicKey) bool {
				return o.UserCA != nil && keysEqual(auth, o.UserCA)
			},
		}
		cfg.PublicKeyCallback = func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			s.countAttempt("publickey")
			if !userOK(c) {
				return nil, errors.New("user not allowed")
			}
			if _, isCert := key.(*ssh.Certificate); isCert {
				return checker.Authenticate(c, key)
			}
			for _, k := range o.AuthorizedKeys {
				if keysEqual(k, key) {
					return &ssh.Permissions{}, nil
				}
			}
			return nil, errors.New("key not authorized")
		}
	}
	if o.Password != "" {
		cfg.PasswordCallback = func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			s.countAttempt("password")
			if userOK(c) && string(pw) == o.Password {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("wrong password")
		}
	}
	if len(o.KeyboardInteractive) > 0 {
		cfg.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			s.countAttempt("keyboard-interactive")
			qs := make([]string, len(o.KeyboardInteractive))
			echos := make([]bool, len(o.KeyboardInteractive))
			for i, q := range o.KeyboardInteractive {
				qs[i], echos[i] = q.Text, q.Echo
			}
			answers, err := client(c.User(), "sshtest asks", qs, echos)
			if err != nil {
				return nil, err
			}
			if !userOK(c) || len(answers) != len(qs) {
				return nil, errors.New("wrong answers")
			}
			for i, q := range o.KeyboardInteractive {
				if answers[i] != q.Answer {
					return nil, errors.New("wrong answers")
				}
			}
			return &ssh.Permissions{}, nil
		}
	}
	if o.Banner != "" {
		cfg.BannerCallback = func(ssh.ConnMetadata) string { return o.Banner }
	}
	return cfg
}

func keysEqual(a, b ssh.PublicKey) bool {
	return string(a.Marshal()) == string(b.Marshal())
}
