package session

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/sshtest"
	"golang.org/x/crypto/ssh"
)

// outputWatcher collects a reader's output in the background.
type outputWatcher struct {
	mu   sync.Mutex // guards buf
	buf  bytes.Buffer
	done chan struct{}
}

func watchOutput(r io.Reader) *outputWatcher {
	w := &outputWatcher{done: make(chan struct{})}
	go func() {
		defer close(w.done)
		b := make([]byte, 32*1024)
		for {
			n, err := r.Read(b)
			w.mu.Lock()
			w.buf.Write(b[:n])
			w.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return w
}

func (w *outputWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor waits until the output contains s.
func (w *outputWatcher) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(w.String(), s) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("output never contained %q:\n%q", s, w.String())
}

// waitEOF waits until the reader is exhausted and returns everything.
func (w *outputWatcher) waitEOF(t testing.TB) string {
	t.Helper()
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("no EOF; output so far %q", w.String())
	}
	return w.String()
}

// shellFixture is an in-process server with a connection to it.
func shellConn(t *testing.T) *Conn {
	t.Helper()
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	srv := startServer(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.Pub}})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{key.Path}
	return dialT(t, DialOptions{Target: tg})
}

func startShellT(t testing.TB, c *Conn, opts ShellOptions) *Shell {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sh, err := StartShell(ctx, c.Client(), opts)
	if err != nil {
		t.Fatalf("StartShell: %v", err)
	}
	t.Cleanup(func() { sh.Close() })
	return sh
}

func waitShell(t testing.TB, sh *Shell) (int, error) {
	t.Helper()
	select {
	case <-sh.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("shell did not end")
	}
	return sh.Wait()
}

func TestShellPTYSizeResizeAndExitStatus(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	var stages []Stage
	sh := startShellT(t, c, ShellOptions{Term: "xterm", Cols: 100, Rows: 30, OnStage: func(s Stage) { stages = append(stages, s) }})
	if !sh.PTY() {
		t.Fatal("no PTY for a login shell")
	}
	if len(stages) != 2 || stages[0] != StagePTY || stages[1] != StageShell {
		t.Errorf("stages %v", stages)
	}
	out := watchOutput(sh.Stdout)
	io.WriteString(sh.Stdin, "echo TERM=$TERM; stty size\n")
	out.waitFor(t, "30 100")
	out.waitFor(t, "TERM=xterm")
	if err := sh.Resize(120, 40); err != nil {
		t.Fatal(err)
	}
	io.WriteString(sh.Stdin, "stty size\n")
	out.waitFor(t, "40 120")
	io.WriteString(sh.Stdin, "exit 7\n")
	status, err := waitShell(t, sh)
	if status != 7 || err != nil {
		t.Errorf("status %d, err %v", status, err)
	}
	out.waitEOF(t)
}

func TestShellCommandWithoutPTYMergesStderr(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{Command: "echo out; echo err >&2; exit 3"})
	if sh.PTY() {
		t.Fatal("RequestTTY auto with a command must not get a PTY")
	}
	got := watchOutput(sh.Stdout).waitEOF(t)
	if !strings.Contains(got, "out\n") || !strings.Contains(got, "err\n") {
		t.Errorf("output %q", got)
	}
	if status, err := waitShell(t, sh); status != 3 || err != nil {
		t.Errorf("status %d, err %v", status, err)
	}
}

func TestShellForcedPTYForCommand(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{Command: "tty", RequestTTY: "force"})
	got := watchOutput(sh.Stdout).waitEOF(t)
	if !sh.PTY() || !strings.Contains(got, "/dev/") {
		t.Errorf("pty %v output %q", sh.PTY(), got)
	}
	waitShell(t, sh)
}

func TestShellEnvironment(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{
		Command: "env",
		SetEnv:  []string{"SSHDASH_A=1", `SSHDASH_Q="two words"`, "SSHDASH_B=overridden"},
		SendEnv: []string{"SSHDASH_*", "-SSHDASH_SECRET"},
		Environ: []string{"SSHDASH_B=2", "SSHDASH_SECRET=x", "OTHER=3", "SSHDASH_C=3"},
	})
	got := watchOutput(sh.Stdout).waitEOF(t)
	mustContain(t, got, "SSHDASH_A=1\n", "SSHDASH_Q=two words\n", "SSHDASH_B=overridden\n", "SSHDASH_C=3\n")
	for _, no := range []string{"SSHDASH_SECRET", "OTHER=3", "SSHDASH_B=2"} {
		if strings.Contains(got, no) {
			t.Errorf("%s sent:\n%s", no, got)
		}
	}
	waitShell(t, sh)
}

func TestShellExitSignal(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{Command: "kill -TERM $$"})
	watchOutput(sh.Stdout).waitEOF(t)
	status, err := waitShell(t, sh)
	if status != 128+15 || err != nil || sh.ExitSignal() != "TERM" {
		t.Errorf("status %d, signal %q, err %v", status, sh.ExitSignal(), err)
	}
}

func TestShellConnectionLost(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{})
	out := watchOutput(sh.Stdout)
	io.WriteString(sh.Stdin, "echo ready\n")
	out.waitFor(t, "ready")
	c.Close()
	status, err := waitShell(t, sh)
	if status != 255 || err == nil {
		t.Errorf("status %d, err %v", status, err)
	}
	out.waitEOF(t)
}

func TestShellClose(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	sh := startShellT(t, c, ShellOptions{Command: "sleep 60"})
	out := watchOutput(sh.Stdout)
	sh.Close()
	sh.Close()
	if status, _ := waitShell(t, sh); status == 0 {
		t.Errorf("status %d after Close", status)
	}
	out.waitEOF(t)
}

func TestShellStartCancelled(t *testing.T) {
	checkLeaks(t)
	c := shellConn(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := StartShell(ctx, c.Client(), ShellOptions{}); err == nil {
		t.Error("StartShell with a cancelled context succeeded")
	}
	c.Close()
}

func TestWantPTY(t *testing.T) {
	for _, c := range []struct {
		req, cmd string
		want     bool
	}{
		{"", "", true}, {"auto", "", true}, {"auto", "ls", false}, {"no", "", false},
		{"yes", "ls", true}, {"force", "ls", true},
	} {
		if got := wantPTY(c.req, c.cmd); got != c.want {
			t.Errorf("wantPTY(%q, %q) = %v", c.req, c.cmd, got)
		}
	}
}
