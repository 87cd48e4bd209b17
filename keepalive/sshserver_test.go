package keepalive_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/keepalive"
)

// serverMode is how the in-process server treats keepalive@openssh.com.
type serverMode int

const (
	answerOK      serverMode = iota // reply success
	answerFailure                   // reply failure, as OpenSSH's sshd does
	swallow                         // never reply: a wedged or vanished peer
)

// sshServer is an x/crypto SSH server on 127.0.0.1 that accepts anyone,
// rejects channels and treats global requests according to mode.
type sshServer struct {
	ln       net.Listener
	mode     serverMode
	cfg      *ssh.ServerConfig
	requests atomic.Int64 // keepalive requests seen
	wg       sync.WaitGroup

	mu    sync.Mutex // guards conns
	conns []net.Conn
}

func startServer(tb testing.TB, mode serverMode) *sshServer {
	tb.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &sshServer{ln: ln, mode: mode, cfg: cfg}
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.close)
	return s
}

func (s *sshServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *sshServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, s.cfg)
	if err != nil {
		return
	}
	go func() {
		for nc := range chans {
			nc.Reject(ssh.Prohibited, "no channels here")
		}
	}()
	for r := range reqs { // ends when the connection closes
		if r.Type != keepalive.RequestName {
			r.Reply(false, nil)
			continue
		}
		s.requests.Add(1)
		switch s.mode {
		case answerOK:
			r.Reply(true, nil)
		case answerFailure:
			r.Reply(false, nil)
		case swallow:
		}
	}
}

func (s *sshServer) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// countingConn counts the bytes on the wire in both directions.
type countingConn struct {
	net.Conn
	in, out atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// client is an authenticated connection to an sshServer, dialled as the
// session layer does: keepalive.Dialer, WatchConn, then the handshake.
type client struct {
	*ssh.Client
	act  *keepalive.Activity
	wire *countingConn
}

func dial(tb testing.TB, s *sshServer, set keepalive.Settings) *client {
	tb.Helper()
	tcp, err := keepalive.Dialer(set, true).Dial("tcp", s.ln.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	act := keepalive.NewActivity(nil)
	wire := &countingConn{Conn: tcp}
	cc, chans, reqs, err := ssh.NewClientConn(keepalive.WatchConn(wire, act), "test", &ssh.ClientConfig{
		User:            "test",
		HostKeyCallback: ssh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		tcp.Close()
		tb.Fatal(err)
	}
	c := &client{Client: ssh.NewClient(cc, chans, reqs), act: act, wire: wire}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			tb.Logf("closing client: %v", err)
		}
		c.Wait()
	})
	return c
}
