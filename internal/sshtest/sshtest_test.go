package sshtest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func client(t *testing.T, s *Server, auth ...ssh.AuthMethod) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", s.Addr(), &ssh.ClientConfig{
		User: "u", Auth: auth, HostKeyCallback: ssh.FixedHostKey(s.HostKey()), Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestExecAndExitStatus(t *testing.T) {
	s := start(t, Options{Password: "pw", Env: []string{"EXTRA=1"}})
	c := client(t, s, ssh.Password("pw"))
	sess, _ := c.NewSession()
	out, err := sess.CombinedOutput("echo $EXTRA; echo err >&2; exit 3")
	var ee *ssh.ExitError
	// stdout and stderr are separate streams: their order may vary.
	if !errors.As(err, &ee) || ee.ExitStatus() != 3 || !strings.Contains(string(out), "1\n") || !strings.Contains(string(out), "err\n") {
		t.Errorf("out %q err %v", out, err)
	}
	if s.AuthAttempts("password") != 1 {
		t.Errorf("attempts %d", s.AuthAttempts("password"))
	}
	sess, _ = c.NewSession()
	err = sess.Run("kill -KILL $$")
	if !errors.As(err, &ee) || ee.Signal() != "KILL" {
		t.Errorf("signal: %v", err)
	}
}

func TestPTYShell(t *testing.T) {
	signer, _ := NewSigner()
	s := start(t, Options{AuthorizedKeys: []ssh.PublicKey{signer.PublicKey()}})
	c := client(t, s, ssh.PublicKeys(signer))
	sess, _ := c.NewSession()
	defer sess.Close()
	if err := sess.RequestPty("xterm", 33, 77, nil); err != nil {
		t.Fatal(err)
	}
	in, _ := sess.StdinPipe()
	out, _ := sess.StdoutPipe()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(in, "stty size; exit 5\n")
	r := bufio.NewReader(out)
	var all strings.Builder
	for !strings.Contains(all.String(), "33 77") {
		line, err := r.ReadString('\n')
		all.WriteString(line)
		if err != nil {
			t.Fatalf("output %q: %v", all.String(), err)
		}
	}
	io.Copy(io.Discard, r)
	var ee *ssh.ExitError
	if err := sess.Wait(); !errors.As(err, &ee) || ee.ExitStatus() != 5 {
		t.Errorf("wait: %v", err)
	}
}

func TestSilentAndGarbage(t *testing.T) {
	silent := start(t, Options{Behavior: Silent})
	c, err := net.Dial("tcp", silent.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("silent server sent %d bytes (%v)", n, err)
	}
	garbage := start(t, Options{Behavior: Garbage, Garbage: []byte("junk\n")})
	g, err := net.Dial("tcp", garbage.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	line, _ := bufio.NewReader(g).ReadString('\n')
	if line != "junk\n" {
		t.Errorf("garbage %q", line)
	}
	silent.Close()
	silent.Close()
}

// A program that ignores SIGHUP (as every child does when the tests run
// under nohup) is killed after the hangup grace: the server's Close never
// waits on it for ever.
func TestCloseKillsProgramIgnoringHangup(t *testing.T) {
	// No Close in a cleanup: on failure it would wait for ever again.
	s, err := Start(context.Background(), Options{Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	c := client(t, s, ssh.Password("pw"))
	sess, _ := c.NewSession()
	if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	out, _ := sess.StdoutPipe()
	if err := sess.Start(`trap "" HUP; echo ready; while :; do sleep 1; done`); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	if line, err := r.ReadString('\n'); err != nil || !strings.Contains(line, "ready") {
		t.Fatalf("first line %q: %v", line, err)
	}
	c.Close()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // hangupGrace is 2 s
		buf := make([]byte, 1<<20)
		t.Fatalf("Close still waits for a program that ignores SIGHUP:\n%s", buf[:runtime.Stack(buf, true)])
	}
}
