package session

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/keepalive"
)

// fakeSSH is an in-process SSH server on loopback that lets anyone in and
// treats session channels as its handler says: the server side of
// "authenticated, then refused". It counts logins and notes when each
// happened.
type fakeSSH struct {
	signer  ssh.Signer
	handler func(login int, nc ssh.NewChannel)
	ln      net.Listener
	refuse  atomic.Bool // fail dials before reaching the server (connection refused)
	wg      sync.WaitGroup

	mu     sync.Mutex // guards logins, conns
	logins []time.Time
	conns  []*ssh.ServerConn
}

func newFakeSSH(t *testing.T, handler func(login int, nc ssh.NewChannel)) *fakeSSH {
	t.Helper()
	signer, err := sshtest.NewSigner()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSSH{signer: signer, handler: handler, ln: ln}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Add(1)
			go func() { defer f.wg.Done(); f.serve(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		f.dropAll()
		f.wg.Wait()
	})
	return f
}

// dial is a DialFunc: a new client connection to the fake server.
func (f *fakeSSH) dial(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
	if f.refuse.Load() {
		return nil, nil, &DialError{Host: "fake", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", f.ln.Addr().String())
	if err != nil {
		return nil, nil, &DialError{Host: "fake", Err: err}
	}
	raw := c
	if h.WrapConn != nil {
		c = h.WrapConn(c)
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	conn, chans, reqs, err := ssh.NewClientConn(c, "fake:22", &ssh.ClientConfig{User: "u", HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		raw.Close()
		return nil, nil, &DialError{Host: "fake", Err: err}
	}
	client := ssh.NewClient(conn, chans, reqs)
	return client, client.Close, nil
}

func (f *fakeSSH) serve(c net.Conn) {
	defer c.Close()
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(f.signer)
	sc, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	f.mu.Lock()
	f.logins = append(f.logins, time.Now())
	login := len(f.logins)
	f.conns = append(f.conns, sc)
	f.mu.Unlock()
	f.wg.Add(1)
	go func() { defer f.wg.Done(); ssh.DiscardRequests(reqs) }() // answers keepalives (no)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "no")
			continue
		}
		f.wg.Add(1)
		go func() { defer f.wg.Done(); f.handler(login, nc) }()
	}
}

// dropAll cuts every connection from the server's side.
func (f *fakeSSH) dropAll() {
	f.mu.Lock()
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (f *fakeSSH) loginTimes() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.logins...)
}

// rejectSession refuses the session channel as sshd does under
// MaxSessions 0.
func rejectSession(_ int, nc ssh.NewChannel) { nc.Reject(ssh.Prohibited, "open failed") }

// refuseExec accepts the channel and the PTY, and says no to exec and shell.
func refuseExec(_ int, nc ssh.NewChannel) {
	ch, reqs, err := nc.Accept()
	if err != nil {
		return
	}
	defer ch.Close()
	for r := range reqs {
		r.Reply(r.Type == "pty-req", nil)
	}
}

// closeAtOnce accepts the shell and closes its channel without an exit
// status.
func closeAtOnce(_ int, nc ssh.NewChannel) {
	ch, reqs, err := nc.Accept()
	if err != nil {
		return
	}
	for r := range reqs {
		r.Reply(true, nil)
		if r.Type == "exec" || r.Type == "shell" {
			ch.Close()
		}
	}
}

// workingShell accepts the shell, says hello and keeps it open until the
// connection ends; ends with exit-signal name when signal is set.
func workingShell(signal string) func(int, ssh.NewChannel) {
	return fakeShell(func(_ int, ch ssh.Channel) bool {
		fmt.Fprint(ch, "hello from the fake\r\n")
		if signal == "" {
			return false
		}
		ch.SendRequest("exit-signal", false, ssh.Marshal(struct {
			Signal     string
			CoreDumped bool
			Error      string
			Lang       string
		}{signal, false, "", ""}))
		return true
	})
}

// fakeShell is a fake server's session handler: it accepts the channel,
// answers every request (env refused, as many servers do) and, on the
// shell or exec request, runs started with the login's number; the
// channel ends when started returns true or the client closes it.
func fakeShell(started func(login int, ch ssh.Channel) (end bool)) func(int, ssh.NewChannel) {
	return func(login int, nc ssh.NewChannel) {
		ch, reqs, err := nc.Accept()
		if err != nil {
			return
		}
		defer ch.Close()
		for r := range reqs {
			r.Reply(r.Type != "env", nil)
			if (r.Type == "exec" || r.Type == "shell") && started(login, ch) {
				return
			}
		}
	}
}

// fakeOptions are session options on the fake server with a backoff whose
// delays are always their ceiling (no jitter), so the spacing of logins
// can be checked against it.
func fakeOptions(f *fakeSSH, retryFirst bool) Options {
	b := Backoff{Base: 20 * time.Millisecond, Max: time.Second, StableAfter: time.Minute, ProbeEvery: 20 * time.Millisecond}
	b.rand = func(n int64) int64 { return n - 1 }
	return Options{
		Alias:      "fake",
		Dial:       f.dial,
		Heartbeat:  keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Minute, Count: 3},
		Reattach:   ReattachNone,
		Term:       "xterm-256color",
		Cols:       80,
		Rows:       24,
		Backoff:    b,
		RetryFirst: retryFirst,
		Secrets:    NewSecrets(),
	}
}

// testWatchdog fails the test with every goroutine's stack if it is still
// running after d.
func testWatchdog(t *testing.T, d time.Duration) {
	t.Helper()
	timer := time.AfterFunc(d, func() {
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
		panic(fmt.Sprintf("%s still running after %s", t.Name(), d))
	})
	t.Cleanup(func() { timer.Stop() })
}

func waitDone(t *testing.T, s *Session) {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("session did not end; state %s (%v)", s.Status().State, s.Status().Cause)
	}
}
