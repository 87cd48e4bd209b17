package session

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/sshdash/sshdash/internal/testenv"
)

func TestScanMarker(t *testing.T) {
	in := []byte("x\x1b]7767;sshdash=tmux-new\ay")
	m, rest, more := scanMarker(in)
	if m != "tmux-new" || string(rest) != "xy" || more {
		t.Fatalf("scanMarker = %q %q %v", m, rest, more)
	}
	if _, _, more := scanMarker([]byte("abc\x1b]77")); !more {
		t.Error("split marker prefix should ask for more")
	}
	if _, _, more := scanMarker([]byte("\x1b]7767;sshdash=tm")); !more {
		t.Error("unterminated marker should ask for more")
	}
	if m, rest, more := scanMarker([]byte("plain output")); m != "" || string(rest) != "plain output" || more {
		t.Error("no marker: output unchanged")
	}
}

func TestShellQuote(t *testing.T) {
	out, err := exec.Command("/bin/sh", "-c", "printf %s "+shellQuote(`it's "$HOME" \ $(x)`)).Output()
	if err != nil || string(out) != `it's "$HOME" \ $(x)` {
		t.Fatalf("shellQuote round trip = %q, %v", out, err)
	}
}

// ptyRun runs the wrapper locally in a PTY, as sshd would run it, and
// collects its output.
type ptyRun struct {
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex // guards out
	out  bytes.Buffer
	done chan struct{}
}

func startWrapper(t *testing.T, script string, env ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Env = append(os.Environ(), append([]string{"SHELL=/bin/sh", "PS1=$ "}, env...)...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	r := &ptyRun{cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			r.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

func (r *ptyRun) waitFor(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; output so far:\n%q", s, r.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hangup simulates a dropped link: sshd sends SIGHUP to the session's
// process group when the connection dies.
func (r *ptyRun) hangup() {
	_ = r.tty.Close()
	_ = r.cmd.Process.Signal(os.Interrupt)
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	<-r.done
}

func waitFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(bytes.TrimSpace(b)) > 0 {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWrapperTmuxReattachesSameShell runs the real wrapper with the real
// tmux: a shell started by one "connection" is found again, with the same
// PID and its background job still running, by the next one; exiting the
// shell ends the private tmux session and propagates the exit status.
func TestWrapperTmuxReattachesSameShell(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but tmux is missing", testenv.Var)
		}
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	name := newRemoteName()
	script := wrapperScript(ReattachAuto, name, "")
	t.Cleanup(func() { _ = exec.Command("/bin/sh", "-c", killCommand(name)).Run() })

	first := startWrapper(t, script)
	first.waitFor(t, "sshdash=tmux-new")
	pidFile, jobFile := filepath.Join(dir, "pid1"), filepath.Join(dir, "job")
	io.WriteString(first.tty, "echo $$ > "+pidFile+"; (while :; do date +%s%N > "+jobFile+"; sleep 0.1; done) &\r")
	pid1 := waitFile(t, pidFile)
	first.hangup()

	second := startWrapper(t, script)
	second.waitFor(t, "sshdash=tmux-attached")
	pidFile2 := filepath.Join(dir, "pid2")
	io.WriteString(second.tty, "echo $$ > "+pidFile2+"\r")
	if pid2 := waitFile(t, pidFile2); pid2 != pid1 {
		t.Fatalf("reattached shell PID %s, want the original %s", pid2, pid1)
	}
	j1 := waitFile(t, jobFile)
	time.Sleep(300 * time.Millisecond)
	if j2 := waitFile(t, jobFile); j2 == j1 {
		t.Fatalf("background job stopped running across the reattach")
	}
	io.WriteString(second.tty, "kill %1; exit 7\r")
	err := second.cmd.Wait()
	<-second.done
	var ee *exec.ExitError
	if err == nil || !errorsAs(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("wrapper exit = %v, want status 7 from the inner shell", err)
	}
	if exec.Command("tmux", "-L", tmuxSocket, "has-session", "-t", "="+name).Run() == nil {
		t.Fatal("private tmux session still exists after the shell exited")
	}
}

func TestWrapperNoneRunsPlainShell(t *testing.T) {
	r := startWrapper(t, wrapperScript(ReattachNone, newRemoteName(), "echo hello-from-rc; exit 3"))
	r.waitFor(t, "sshdash=none")
	r.waitFor(t, "hello-from-rc")
	err := r.cmd.Wait()
	<-r.done
	var ee *exec.ExitError
	if !errorsAs(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit = %v, want 3", err)
	}
}

func TestParseReattachMode(t *testing.T) {
	for _, s := range []string{"auto", "tmux", "screen", "none", ""} {
		if _, err := ParseReattachMode(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	if _, err := ParseReattachMode("mosh"); err == nil {
		t.Error("mosh accepted")
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
