package session

// The reattach compatibility matrix (SSHDASH_INTEGRATION=1): real sshd on
// loopback, one throwaway user per environment (login shell set with
// usermod), tmux versions and missing tools arranged by bind mounts in a
// private mount namespace of that sshd alone. For each environment: the
// session connects, a command runs, the same shell comes back after a
// dropped connection where tmux or screen exists (a clear message where
// not), the exit status propagates, and a clean close leaves nothing of
// sshdash's on the server.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
	"github.com/sshdash/sshdash/keepalive"
)

// matrixRow is one environment of the matrix.
type matrixRow struct {
	name       string
	shell      string // login shell
	tmux       string // "system", "3.0a", "2.6", "loginpath" (only on the login shell's PATH) or "" (hidden)
	noScreen   bool   // hide screen
	force      string // ForceCommand
	command    string // RemoteCommand
	requestTTY string
	dropbear   bool   // Dropbear instead of OpenSSH's sshd (no SetEnv: tmux's default socket directory)
	roTmpdir   bool   // TMPDIR is a directory the user cannot write
	want       string // Status().Reattach
	pidExpr    string // the shell's PID in its own syntax; "" means $$
}

func TestReattachMatrix(t *testing.T) {
	testenv.Need(t, sshdtest.SSHD, "unshare", "mount", "usermod", "runuser", "screen", "tmux", "tcsh", "zsh", "fish", "busybox", dropbearBin, "dropbearkey")
	bb := busyboxSh(t)
	rows := []matrixRow{
		{name: "bash", shell: "/bin/bash", tmux: "system", want: "tmux"},
		{name: "tcsh", shell: "/usr/bin/tcsh", tmux: "system", want: "tmux"},
		{name: "zsh", shell: "/usr/bin/zsh", tmux: "system", want: "tmux"},
		{name: "fish", shell: "/usr/bin/fish", tmux: "system", want: "tmux", pidExpr: "$fish_pid"},
		{name: "busybox", shell: bb, tmux: "system", want: "tmux"},
		{name: "tmux30a", shell: "/bin/bash", tmux: "3.0a", want: "tmux"},
		{name: "tmux26", shell: "/bin/bash", tmux: "2.6", want: "tmux"},
		{name: "loginpath", shell: "/bin/bash", tmux: "loginpath", want: "tmux"},
		{name: "screen", shell: "/bin/bash", want: "screen"},
		{name: "tcshscreen", shell: "/usr/bin/tcsh", want: "screen"},
		{name: "neither", shell: "/bin/bash", noScreen: true, want: "none"},
		{name: "force127", shell: "/bin/bash", tmux: "system", want: "none",
			force: `if [ -n "$SSH_ORIGINAL_COMMAND" ]; then echo "sdrt: exec refused" >&2; exit 127; fi; exec "$SHELL" -l`},
		{name: "rbash", shell: "/bin/rbash", tmux: "system", want: "none"},
		{name: "fast", shell: "/bin/bash", tmux: "system", want: "tmux", command: "echo FAST; exit 3"},
		{name: "fastscreen", shell: "/bin/bash", want: "screen", command: "echo FAST; exit 3"},
		{name: "notty", shell: "/bin/bash", tmux: "system", want: "none", requestTTY: "no"},
		{name: "dropbear", shell: "/bin/bash", tmux: "system", want: "tmux", dropbear: true},
		{name: "rotmpdir", shell: "/bin/bash", tmux: "system", want: "tmux", roTmpdir: true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) { runMatrixRow(t, row) })
	}
}

// busyboxSh returns a path named sh that runs busybox's sh (busybox picks
// the applet by the name it is called by).
func busyboxSh(t *testing.T) string {
	dir := "/usr/local/lib/sshdash-test"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bb, err := exec.LookPath("busybox")
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "sh")
	_ = os.Remove(link)
	if err := os.Symlink(bb, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// matrixEnv is one environment's server and user.
type matrixEnv struct {
	row     matrixRow
	user    string
	tmuxBin string // the tmux the server sees ("" when hidden)
	tmuxDir string // TMUX_TMPDIR sshd gives the user ("" under Dropbear: tmux's default)
	target  Target // the server, as the user
	logs    func() string
	cut     *cutter
}

// newMatrixEnv creates the user and starts its sshd. A private tmux server
// with a session of its own is already running (a used world).
func newMatrixEnv(t *testing.T, row matrixRow) *matrixEnv {
	t.Helper()
	e := &matrixEnv{row: row, user: "sdrt-" + row.name, cut: &cutter{}}
	sshdtest.EnsureUser(t, e.user, "sdrt-unused-password")
	if out, err := exec.Command("usermod", "-s", row.shell, e.user).CombinedOutput(); err != nil {
		t.Fatalf("usermod -s %s: %v: %s", row.shell, err, out)
	}
	home := "/home/" + e.user
	_ = os.WriteFile(filepath.Join(home, ".zshrc"), nil, 0o644) // no zsh-newuser-install menu
	_ = exec.Command("chown", e.user, filepath.Join(home, ".zshrc")).Run()

	dir, err := os.MkdirTemp("", "sdrt-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o711)
	e.tmuxDir = filepath.Join(dir, "tmux")
	if err := os.Mkdir(e.tmuxDir, 0o777); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(e.tmuxDir, 0o1777)
	hidden := filepath.Join(dir, "hidden")
	if err := os.WriteFile(hidden, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var binds []string
	switch row.tmux {
	case "system":
		e.tmuxBin = "/usr/bin/tmux"
	case "":
		binds = append(binds, fmt.Sprintf("mount --bind %s /usr/bin/tmux", hidden))
	case "loginpath":
		// tmux only in a directory the login shell's profile puts on PATH.
		lp := "/usr/local/lib/sshdash-test/loginpath"
		if err := os.MkdirAll(lp, 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("cp", "/usr/bin/tmux", lp+"/tmux").CombinedOutput(); err != nil {
			t.Fatalf("cp tmux: %v: %s", err, out)
		}
		profile := filepath.Join(home, ".profile")
		if err := os.WriteFile(profile, []byte("PATH="+lp+":$PATH\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_ = os.Remove(filepath.Join(home, ".bash_profile"))
		e.tmuxBin = lp + "/tmux"
		binds = append(binds, fmt.Sprintf("mount --bind %s /usr/bin/tmux", hidden))
	default:
		e.tmuxBin = compatTmux(t, row.tmux)
		binds = append(binds, fmt.Sprintf("mount --bind %s /usr/bin/tmux", e.tmuxBin))
	}
	if row.noScreen {
		binds = append(binds, fmt.Sprintf("mount --bind %s /usr/bin/screen", hidden))
	}
	setEnv := "SetEnv TMUX_TMPDIR=" + e.tmuxDir
	if row.roTmpdir {
		// The wrapper must not need a writable temporary directory.
		ro := filepath.Join(dir, "rotmp")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		setEnv += " TMPDIR=" + ro
	}
	opts := sshdtest.Options{Extra: []string{setEnv}}
	if row.force != "" {
		opts.Extra = append(opts.Extra, "ForceCommand "+row.force)
	}
	if len(binds) > 0 {
		opts.Wrap = []string{"unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
			"set -e; " + strings.Join(binds, "; ") + `; exec "$0" "$@"`}
	}
	if row.dropbear {
		e.tmuxDir = ""
		e.target, e.logs = startDropbear(t, e.user)
	} else {
		f := newSSHD(t, opts)
		// The user's sshd reads authorized_keys from the server's directory.
		for d := f.sshd.Dir(); d != "/tmp" && d != "/" && d != "."; d = filepath.Dir(d) {
			_ = os.Chmod(d, 0o711)
			if filepath.Dir(d) == os.TempDir() {
				break
			}
		}
		e.target, e.logs = f.target(), f.sshd.Logs
		e.target.User = e.user
	}
	if e.tmuxBin != "" {
		if out, err := e.asUser(e.tmuxBin, "-L", tmuxSocket, "new-session", "-d", "-s", "byhand").CombinedOutput(); err != nil {
			t.Fatalf("private tmux server by hand: %v: %s", err, out)
		}
	}
	t.Cleanup(func() {
		if e.tmuxBin != "" {
			_ = e.asUser(e.tmuxBin, "-L", tmuxSocket, "kill-server").Run()
		}
		_ = os.RemoveAll(dir)
	})
	return e
}

// asUser runs a command as the environment's user, with its TMUX_TMPDIR.
func (e *matrixEnv) asUser(args ...string) *exec.Cmd {
	return exec.Command("runuser", append([]string{"-u", e.user, "--", "env", "TMUX_TMPDIR=" + e.tmuxDir}, args...)...)
}

// options are the session options for the environment's user.
func (e *matrixEnv) options() Options {
	tg := e.target
	return Options{
		Alias: e.row.name,
		Dial: func(ctx context.Context, h DialHooks) (*ssh.Client, func() error, error) {
			c, err := Dial(ctx, DialOptions{Target: tg, WrapConn: h.WrapConn, OnStage: h.OnStage, Ask: h.Ask, DialTCP: e.cut.dial, Fast: h.Fast})
			if err != nil {
				return nil, nil, err
			}
			return c.Client(), c.Close, nil
		},
		Heartbeat: keepalive.Settings{Mode: keepalive.ModeProbe, Interval: time.Second, Count: 2},
		Reattach:  ReattachAuto,
		Term:      "xterm-256color",
		Cols:      80, Rows: 24,
		Shell:   ShellOptions{Command: e.row.command, RequestTTY: e.row.requestTTY},
		Backoff: Backoff{Base: 50 * time.Millisecond, Max: 200 * time.Millisecond, StableAfter: time.Minute, ProbeEvery: 50 * time.Millisecond},
	}
}

// leftovers lists what of sshdash's is still on the server for the user:
// private tmux sessions (other than the one started by hand), screen
// sessions and temporary directories.
func (e *matrixEnv) leftovers() []string {
	var left []string
	if e.tmuxBin != "" {
		out, _ := e.asUser(e.tmuxBin, "-L", tmuxSocket, "list-sessions", "-F", "#{session_name}").Output()
		for _, s := range strings.Fields(string(out)) {
			if s != "byhand" {
				left = append(left, "tmux session "+s)
			}
		}
	}
	out, _ := e.asUser("screen", "-ls").Output()
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "sshdash-") {
			left = append(left, "screen "+strings.TrimSpace(l))
		}
	}
	// Temporary directories the old wrapper left (other users' are not ours).
	if u, err := user.Lookup(e.user); err == nil {
		dirs, _ := filepath.Glob("/tmp/sshdash.*")
		for _, d := range dirs {
			if fi, err := os.Stat(d); err == nil {
				if st, ok := fi.Sys().(*syscall.Stat_t); ok && strconv.Itoa(int(st.Uid)) == u.Uid {
					left = append(left, "temp dir "+d)
				}
			}
		}
	}
	return left
}

// screenFlatHas waits for text on the screen, lines joined and spaces
// ignored (a long message wraps, and a line's trailing space is trimmed).
func screenFlatHas(t *testing.T, s *Session, text string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		flat := strings.ReplaceAll(strings.Join(s.ScreenText(), ""), " ", "")
		if strings.Contains(flat, strings.ReplaceAll(text, " ", "")) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("screen never showed %q; it shows:\n%s", text, strings.Join(s.ScreenText(), "\n"))
}

var pidRE = regexp.MustCompile(`(P\d+)=(\d+)=`)

// shellPID asks the session's shell for its PID, again until it answers
// (keys typed while tmux starts up may be flushed).
func shellPIDOf(t *testing.T, s *Session, tag, expr string) string {
	t.Helper()
	if expr == "" {
		expr = "$$"
	}
	deadline := time.Now().Add(15 * time.Second)
	var asked time.Time
	for time.Now().Before(deadline) {
		if time.Since(asked) > time.Second {
			_, _ = s.Write([]byte("echo " + tag + "=" + expr + "=\r"))
			asked = time.Now()
		}
		for _, m := range pidRE.FindAllStringSubmatch(strings.Join(s.ScreenText(), "\n"), -1) {
			if m[1] == tag {
				return m[2]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no PID from the shell for %s; screen:\n%s\nlog:\n%s", tag, strings.Join(s.ScreenText(), "\n"), logText(s))
	return ""
}

// waitClosed waits for the session to end Closed and returns its exit status.
func waitClosed(t *testing.T, s *Session) int {
	t.Helper()
	select {
	case <-s.Done():
	case <-time.After(15 * time.Second):
		t.Fatalf("the session did not end; screen:\n%s\nlog:\n%s", strings.Join(s.ScreenText(), "\n"), logText(s))
	}
	st := s.Status()
	if st.State != Closed {
		t.Fatalf("state %s (%v), want closed; log:\n%s", st.State, st.Cause, logText(s))
	}
	return st.ExitStatus
}

func runMatrixRow(t *testing.T, row matrixRow) {
	e := newMatrixEnv(t, row)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())

	opened := time.Now()
	s := m.Open(e.options())
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("session log:\n%s\nscreen:\n%s\nsshd log:\n%s", logText(s), strings.Join(s.ScreenText(), "\n"), e.logs())
		}
	})
	if row.command != "" {
		// A command that exits at once: its output and status, nothing left.
		if st := waitClosed(t, s); st != 3 {
			t.Fatalf("status %d, want 3; log:\n%s", st, logText(s))
		}
		screenHas(t, s, "FAST")
		if left := e.leftovers(); len(left) > 0 {
			t.Fatalf("left on the server: %v", left)
		}
		return
	}
	ev.waitState(t, Up)
	if row.requestTTY != "no" {
		// Keys typed the moment the session is up, while tmux or screen
		// is still attaching, reach the shell (held until it is ready).
		// (Quotes, not arithmetic: csh and fish run it too.)
		if _, err := s.Write([]byte(`echo EARLY-"4""2"` + "\r")); err != nil {
			t.Fatalf("early keys: %v", err)
		}
	}
	t.Logf("%s: up %s after Open (%s)", row.name, time.Since(opened).Round(time.Millisecond), s.Status().Reattach)
	if got := s.Status().Reattach; got != row.want {
		t.Fatalf("reattach %q, want %q; screen:\n%s\nlog:\n%s", got, row.want, strings.Join(s.ScreenText(), "\n"), logText(s))
	}
	if row.requestTTY == "no" {
		// As ssh -T: no PTY, the shell reads commands, output and status come back.
		_, _ = s.Write([]byte("echo first; echo NOTTY=$((6*7)); exit 6\n"))
		if st := waitClosed(t, s); st != 6 {
			t.Fatalf("status %d, want 6", st)
		}
		screenHas(t, s, "NOTTY=42")
		// Bare LFs start lines at the left, as the local terminal shows them.
		if lines := s.ScreenText(); lineIndexPrefix(lines, "NOTTY=42") < 0 {
			t.Errorf("the output's second line does not start at the left:\n%s", strings.Join(lines, "\n"))
		}
		return
	}
	if row.want == "none" && !strings.Contains(logText(s), "a drop loses") {
		t.Errorf("the log does not say the shell will not survive a drop:\n%s", logText(s))
	}
	if row.want == "none" {
		screenFlatHas(t, s, "starting a plain shell (it will not survive a drop)")
	}
	if row.requestTTY != "no" {
		screenHas(t, s, "EARLY-42")
	}
	if row.force != "" {
		screenHas(t, s, "sdrt: exec refused") // the server's stderr is shown
	}
	if text := strings.Join(s.ScreenText(), "\n"); strings.Contains(text, "tcosmetic") || strings.Contains(text, "/bin/sh -c") {
		t.Errorf("the wrapper script reached the screen:\n%s", text)
	}
	if row.want == "tmux" {
		out, _ := e.asUser(e.tmuxBin, "-L", tmuxSocket, "list-sessions", "-F", "#{session_name}").Output()
		if !strings.Contains(string(out), "sd-") {
			t.Errorf("no sd- session on the private tmux server the test started (%s): %q", e.tmuxBin, out)
		}
	}
	if row.roTmpdir {
		// The shell sees the read-only TMPDIR (so the wrapper ran with it).
		_, _ = s.Write([]byte(`echo TMPW=$(test -w "$TMPDIR" && echo w || echo ro)-$TMPDIR` + "\r"))
		screenHas(t, s, "TMPW=ro-/")
	}
	pid1 := shellPIDOf(t, s, "P1", row.pidExpr)

	dropped := time.Now()
	e.cut.cut(false) // the connection drops
	ev.waitFor(t, "up again", func(ev Event) bool {
		sc, ok := ev.(StateChanged)
		return ok && sc.ID == s.ID() && sc.To == Up && sc.From != Connecting
	})
	t.Logf("%s: up again %s after the drop", row.name, time.Since(dropped).Round(time.Millisecond))
	pid2 := shellPIDOf(t, s, "P2", row.pidExpr)
	if row.want == "none" {
		if pid2 == pid1 {
			t.Errorf("a plain shell came back with the same PID %s?", pid1)
		}
		if !strings.Contains(logText(s), "the previous shell was lost") {
			t.Errorf("no message that the shell was lost:\n%s", logText(s))
		}
		if st := s.Status(); !strings.Contains(st.Notice, "the previous shell was lost") || st.NoticeAt.IsZero() {
			t.Errorf("no notice for the attached terminal that the shell was lost: %q %v", st.Notice, st.NoticeAt)
		}
	} else if pid2 != pid1 {
		t.Fatalf("PID %s after the drop, want the same shell %s; log:\n%s", pid2, pid1, logText(s))
	}
	_, _ = s.Write([]byte("exit 5\r"))
	if st := waitClosed(t, s); st != 5 {
		t.Fatalf("exit 5 gave status %d; screen:\n%s", st, strings.Join(s.ScreenText(), "\n"))
	}
	if left := e.leftovers(); len(left) > 0 {
		t.Fatalf("left on the server after exit: %v", left)
	}

	// Closing on purpose leaves nothing either.
	s2 := m.Open(e.options())
	ev.waitFor(t, "second session up", func(ev Event) bool {
		sc, ok := ev.(StateChanged)
		return ok && sc.ID == s2.ID() && sc.To == Up
	})
	shellPIDOf(t, s2, "P3", row.pidExpr)
	s2.Close()
	<-s2.Done()
	if left := e.leftovers(); len(left) > 0 {
		t.Fatalf("left on the server after close: %v", left)
	}
}

// TestReattachMatrixConcurrent opens three sessions at the same moment on a
// host whose private tmux server already runs: all three get tmux, all
// three come back to the same shell after a drop, and closing them leaves
// nothing.
func TestReattachMatrixConcurrent(t *testing.T) {
	testenv.Need(t, sshdtest.SSHD, "unshare", "usermod", "runuser", "tmux")
	e := newMatrixEnv(t, matrixRow{name: "three", shell: "/bin/bash", tmux: "system", want: "tmux"})
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())
	var ss [3]*Session
	for i := range ss {
		ss[i] = m.Open(e.options())
	}
	var pids [3]string
	for i, s := range ss {
		ev.waitFor(t, fmt.Sprintf("session %d up", i), func(ev Event) bool {
			sc, ok := ev.(StateChanged)
			return ok && sc.ID == s.ID() && sc.To == Up
		})
		if got := s.Status().Reattach; got != "tmux" {
			t.Fatalf("session %d: reattach %q, want tmux; log:\n%s", i, got, logText(s))
		}
		pids[i] = shellPIDOf(t, s, fmt.Sprintf("P%d", i), "")
	}
	e.cut.cut(false)
	for i, s := range ss {
		ev.waitFor(t, fmt.Sprintf("session %d up again", i), func(ev Event) bool {
			sc, ok := ev.(StateChanged)
			return ok && sc.ID == s.ID() && sc.To == Up && sc.From != Connecting
		})
		if pid := shellPIDOf(t, s, fmt.Sprintf("P%d", 10+i), ""); pid != pids[i] {
			t.Errorf("session %d: PID %s after the drop, want %s", i, pid, pids[i])
		}
	}
	for _, s := range ss {
		s.Close()
		<-s.Done()
	}
	if left := e.leftovers(); len(left) > 0 {
		t.Fatalf("left on the server after close: %v", left)
	}
}

// lineIndexPrefix is the index of the first line starting with prefix, or -1.
func lineIndexPrefix(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}
