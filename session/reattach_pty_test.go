package session

// The wrapper run locally in a PTY, as sshd would run it, against the
// system's tmux and the old ones of ../shared/compat (tmux 3.0a, 2.6), each
// in a private TMUX_TMPDIR that already holds a running private server.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sshdash/sshdash/internal/testenv"
)

// ptyRun is the wrapper running in a PTY.
type ptyRun struct {
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex // guards out
	out  bytes.Buffer
	done chan struct{} // closed when the PTY reader has ended
}

// startWrapper runs script as sshd would: the login shell shell (-c) given
// the exec line, in a PTY, with env added to the environment.
func startWrapper(t testing.TB, shell, script string, env ...string) *ptyRun {
	t.Helper()
	cmd := exec.Command(shell, "-c", execLine(script))
	cmd.Env = append(os.Environ(), append([]string{"SHELL=/bin/sh", "PS1=$ "}, env...)...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		t.Fatal(err)
	}
	r := &ptyRun{cmd: cmd, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		acked := false
		for {
			n, err := tty.Read(buf)
			r.mu.Lock()
			r.out.Write(buf[:n])
			out := r.out.String()
			r.mu.Unlock()
			if !acked {
				// Answer the marker as startRemote does.
				if m, _, _ := scanMarker([]byte(out)); m != "" {
					acked = true
					if strings.HasPrefix(m, "tmux") || strings.HasPrefix(m, "screen") {
						_, _ = io.WriteString(tty, markerAck)
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		_ = r.tty.Close()
	})
	return r
}

func (r *ptyRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// waitFor waits for s in the output; on timeout it fails with the output
// and every goroutine's stack.
func (r *ptyRun) waitFor(t testing.TB, s string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(r.output(), s) {
		if time.Now().After(deadline) {
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Fatalf("timed out waiting for %q; output so far:\n%q\n%s", s, r.output(), stacks.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exit waits for the wrapper to end and returns its exit status.
func (r *ptyRun) exit(t *testing.T) int {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- r.cmd.Wait() }()
	select {
	case err := <-errc:
		<-r.done
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			t.Fatalf("wrapper: %v", err)
		}
		return 0
	case <-time.After(15 * time.Second):
		t.Fatalf("the wrapper did not exit; output:\n%q", r.output())
		return -1
	}
}

// hangup simulates a dropped link: sshd closes the PTY and the session's
// processes get SIGHUP.
func (r *ptyRun) hangup() {
	_ = r.tty.Close()
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
	<-r.done
}

// shellPID asks the shell in r for its PID ($$), between unique tags.
func (r *ptyRun) shellPID(t *testing.T, tag string) string {
	t.Helper()
	// Keys typed while tmux or screen starts may be flushed: ask again
	// until the shell answers.
	deadline := time.Now().Add(10 * time.Second)
	var asked time.Time
	for time.Now().Before(deadline) {
		if time.Since(asked) > time.Second {
			io.WriteString(r.tty, "echo "+tag+"=$$=\r")
			asked = time.Now()
		}
		out := r.output()
		// The echoed command line holds "$$", the answer digits.
		for _, part := range strings.Split(out, tag+"=")[1:] {
			if i := strings.IndexByte(part, '='); i > 0 && !strings.Contains(part[:i], "$") {
				return part[:i]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no PID for %s in %q", tag, r.output())
	return ""
}

// moduleRoot is the directory holding go.mod.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
}

// compatTmux returns the path of tmux VERSION built by
// ../shared/compat/build-tmux.sh (beside the checkout in CI; /work/shared
// in a worktree), cached under /var/cache/sshdash-compat, readable by
// every user. It skips t without integration, and fails it when the
// sources are missing with integration on.
func compatTmux(t testing.TB, version string) string {
	t.Helper()
	if !testenv.Enabled() {
		t.Skipf("tmux %s is built only with %s=1", version, testenv.Var)
	}
	var script string
	for _, dir := range []string{filepath.Join(moduleRoot(t), "..", "shared"), "/work/shared"} {
		if _, err := os.Stat(filepath.Join(dir, "compat", "build-tmux.sh")); err == nil {
			script = filepath.Join(dir, "compat", "build-tmux.sh")
			break
		}
	}
	if script == "" {
		t.Fatalf("%s=1 but ../shared/compat/build-tmux.sh is missing", testenv.Var)
	}
	compatMu.Lock()
	defer compatMu.Unlock()
	out, err := exec.Command(script, version).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("build-tmux.sh %s: %v: %s", version, err, ee.Stderr)
		}
		t.Fatalf("build-tmux.sh %s: %v", version, err)
	}
	return strings.TrimSpace(string(out))
}

// compatMu serialises builds of the old tmux (the script caches them).
var compatMu sync.Mutex

// tmuxVersions lists the tmux binaries the wrapper is tested against.
func tmuxVersions(t testing.TB) map[string]string {
	t.Helper()
	sys, err := exec.LookPath("tmux")
	if err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but tmux is missing", testenv.Var)
		}
		t.Skip("tmux not installed")
	}
	v := map[string]string{"system": sys}
	if testenv.Enabled() {
		v["3.0a"] = compatTmux(t, "3.0a")
		v["2.6"] = compatTmux(t, "2.6")
	}
	return v
}

// tmuxWorld is a private tmux world for one test: its own TMUX_TMPDIR and
// a PATH whose first directory holds the tmux under test.
type tmuxWorld struct {
	bin string
	env []string
}

func newTmuxWorld(t testing.TB, bin string) *tmuxWorld {
	t.Helper()
	dir, err := os.MkdirTemp("", "sdrt-") // short: tmux socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	bindir := filepath.Join(dir, "bin")
	if err := os.Mkdir(bindir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(bin, filepath.Join(bindir, "tmux")); err != nil {
		t.Fatal(err)
	}
	w := &tmuxWorld{bin: bin, env: []string{"TMUX_TMPDIR=" + dir, "PATH=" + bindir + ":" + os.Getenv("PATH")}}
	t.Cleanup(func() {
		_ = w.tmux("kill-server").Run()
		_ = os.RemoveAll(dir)
	})
	return w
}

// tmux runs the world's tmux on sshdash's private socket.
func (w *tmuxWorld) tmux(args ...string) *exec.Cmd {
	cmd := exec.Command(w.bin, append([]string{"-L", tmuxSocket, "-f", "/dev/null"}, args...)...)
	cmd.Env = append(os.Environ(), w.env...)
	return cmd
}

func (w *tmuxWorld) sessions() string {
	out, _ := w.tmux("list-sessions", "-F", "#{session_name}").Output()
	return strings.TrimSpace(string(out))
}

// TestWrapperTmuxVersions runs the wrapper against each tmux in a used
// world (a private server started by hand, with a session of its own):
// the first and the Nth session reattach to the same shell, the shell
// does not see TMUX, exit statuses propagate (also for a command that
// exits at once, whose output is kept), and nothing is left.
func TestWrapperTmuxVersions(t *testing.T) {
	for version, bin := range tmuxVersions(t) {
		t.Run(version, func(t *testing.T) {
			w := newTmuxWorld(t, bin)
			if out, err := w.tmux("new-session", "-d", "-s", "byhand").CombinedOutput(); err != nil {
				t.Fatalf("tmux %s by hand: %v: %s", version, err, out)
			}
			for i := 0; i < 2; i++ { // the second one meets a server already set up by the first
				name := newRemoteName()
				script := wrapperScript(ReattachAuto, name, "", wrapperInfo{Alias: "h", Client: "u@m"})
				// Each connection has its own environment; the pane must get it,
				// not that of whoever started the server.
				connEnv := append(append([]string{}, w.env...), fmt.Sprintf("SDRT_CONN=c%d", i), "TERM=xterm-256color")
				first := startWrapper(t, "/bin/sh", script, connEnv...)
				first.waitFor(t, "sshdash=tmux-new\a")
				for opt, want := range map[string]string{"-gv status": "off", "-gv prefix": "None", "-sv escape-time": "0"} {
					f := strings.Fields(opt)
					if out, _ := w.tmux("show", f[0], f[1]).Output(); strings.TrimSpace(string(out)) != want {
						t.Errorf("tmux %s: %s is %q, want %q", version, opt, strings.TrimSpace(string(out)), want)
					}
				}
				if out, _ := w.tmux("list-keys", "-T", "root").Output(); len(bytes.TrimSpace(out)) > 0 {
					t.Errorf("tmux %s: root key table not empty:\n%s", version, out)
				}
				pid1 := first.shellPID(t, fmt.Sprintf("P%da", i))
				io.WriteString(first.tty, "echo \"T=[$TMUX] TP=[$TMUX_PANE] C=[$SDRT_CONN] TERM=[${TERM%%-*}]\"\r")
				first.waitFor(t, fmt.Sprintf("T=[] TP=[] C=[c%d] TERM=[", i))
				if out := first.output(); strings.Contains(out, "TERM=[xterm]") {
					t.Errorf("the pane's TERM is the outer terminal's: %q", out)
				}
				first.hangup()

				second := startWrapper(t, "/bin/sh", script, w.env...)
				second.waitFor(t, "sshdash=tmux-attached\a")
				if pid2 := second.shellPID(t, fmt.Sprintf("P%db", i)); pid2 != pid1 {
					t.Fatalf("session %d: reattached shell PID %s, want %s", i, pid2, pid1)
				}
				if out, _ := w.tmux("show", "-v", "-t", "="+name+":", "@sdalias").Output(); strings.TrimSpace(string(out)) != "h" {
					t.Errorf("@sdalias = %q", out)
				}
				io.WriteString(second.tty, "exit 7\r")
				if st := second.exit(t); st != 7 {
					t.Fatalf("session %d: exit status %d, want 7; output %q", i, st, second.output())
				}
				if got := w.sessions(); got != "byhand" {
					t.Fatalf("sessions left after exit: %q", got)
				}
			}
			// A command that exits at once keeps its output and status.
			fast := startWrapper(t, "/bin/sh", wrapperScript(ReattachAuto, newRemoteName(), "echo FAST; exit 3", wrapperInfo{}), w.env...)
			if st := fast.exit(t); st != 3 {
				t.Fatalf("fast command: status %d, want 3; output %q", st, fast.output())
			}
			if !strings.Contains(fast.output(), "FAST") {
				t.Fatalf("fast command: output lost: %q", fast.output())
			}
			if got := w.sessions(); got != "byhand" {
				t.Fatalf("sessions left: %q", got)
			}
		})
	}
}

// TestWrapperConcurrentStart starts six sessions at the same moment on a
// host without a private server: all six get tmux and reattach.
func TestWrapperConcurrentStart(t *testing.T) {
	for version, bin := range tmuxVersions(t) {
		t.Run(version, func(t *testing.T) {
			w := newTmuxWorld(t, bin)
			var runs [6]*ptyRun
			var scripts [6]string
			for i := range runs {
				scripts[i] = wrapperScript(ReattachAuto, newRemoteName(), "", wrapperInfo{})
			}
			for i := range runs {
				runs[i] = startWrapper(t, "/bin/sh", scripts[i], w.env...)
			}
			var pids [6]string
			for i, r := range runs {
				r.waitFor(t, "sshdash=tmux-new\a")
				pids[i] = r.shellPID(t, fmt.Sprintf("C%d", i))
				r.hangup()
			}
			for i := range runs {
				r := startWrapper(t, "/bin/sh", scripts[i], w.env...)
				r.waitFor(t, "sshdash=tmux-attached\a")
				if pid := r.shellPID(t, fmt.Sprintf("D%d", i)); pid != pids[i] {
					t.Errorf("session %d: PID %s after reattach, want %s", i, pid, pids[i])
				}
				io.WriteString(r.tty, "exit\r")
				r.exit(t)
			}
			if got := w.sessions(); got != "" {
				t.Errorf("sessions left: %q", got)
			}
		})
	}
}

// TestWrapperScreen runs the wrapper with screen: same shell after a drop,
// the inner shell's exit status, no session left.
func TestWrapperScreen(t *testing.T) {
	testenv.Need(t, "screen")
	name := newRemoteName()
	script := wrapperScript(ReattachScreen, name, "", wrapperInfo{})
	t.Cleanup(func() { _ = exec.Command("screen", "-S", "sshdash-"+name, "-X", "quit").Run() })
	first := startWrapper(t, "/bin/sh", script)
	first.waitFor(t, "sshdash=screen-new\a")
	pid1 := first.shellPID(t, "S1")
	// ctrl+space (NUL) was screen's escape key: now it must reach the shell.
	io.WriteString(first.tty, "\x00d\x15")
	if pid := first.shellPID(t, "S1b"); pid != pid1 {
		t.Fatalf("after ctrl+space d: PID %s, want %s (still attached)", pid, pid1)
	}
	first.hangup()
	second := startWrapper(t, "/bin/sh", script)
	second.waitFor(t, "sshdash=screen-attached\a")
	if pid2 := second.shellPID(t, "S2"); pid2 != pid1 {
		t.Fatalf("screen: PID %s after reattach, want %s", pid2, pid1)
	}
	io.WriteString(second.tty, "exit 5\r")
	if st := second.exit(t); st != 5 {
		t.Fatalf("screen: exit status %d, want 5; output %q", st, second.output())
	}
	if exec.Command("screen", "-S", "sshdash-"+name, "-X", "info").Run() == nil {
		t.Fatal("the screen session is still running")
	}
}

func TestWrapperNoneRunsPlainShell(t *testing.T) {
	r := startWrapper(t, "/bin/sh", wrapperScript(ReattachNone, newRemoteName(), "echo hello-from-rc; exit 3", wrapperInfo{}))
	r.waitFor(t, "sshdash=none;")
	r.waitFor(t, "hello-from-rc")
	if st := r.exit(t); st != 3 {
		t.Fatalf("exit %d, want 3", st)
	}
}

// BenchmarkWrapperToMarker measures the wrapper from exec to its marker
// (tmux found, session created, options applied): on a host without a
// private server ("fresh", where the options are applied) and on one where
// it already runs ("used"), for each tmux.
func BenchmarkWrapperToMarker(b *testing.B) {
	for version, bin := range tmuxVersions(b) {
		for _, used := range []bool{false, true} {
			name := version + "/fresh"
			if used {
				name = version + "/used"
			}
			b.Run(name, func(b *testing.B) {
				w := newTmuxWorld(b, bin)
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					_ = w.tmux("kill-server").Run()
					if used {
						warm := startWrapper(b, "/bin/sh", wrapperScript(ReattachAuto, newRemoteName(), "", wrapperInfo{}), w.env...)
						warm.waitFor(b, "sshdash=tmux-new\a")
						warm.hangup()
					}
					script := wrapperScript(ReattachAuto, newRemoteName(), "", wrapperInfo{})
					b.StartTimer()
					r := startWrapper(b, "/bin/sh", script, w.env...)
					r.waitFor(b, "sshdash=tmux-new\a")
					b.StopTimer()
					r.hangup()
				}
			})
		}
	}
}
