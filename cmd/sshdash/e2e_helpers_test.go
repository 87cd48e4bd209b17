package main

// The end-to-end tests' shared setup: the real binary, a real terminal
// (a tmux pane on a private tmux server), sshdash's private environment
// and settings, the demo's servers, a real sshd and its ssh_config.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/demo"
	"github.com/sshdash/sshdash/internal/sshdtest"
	"github.com/sshdash/sshdash/internal/testenv"
)

// buildBinary builds sshdash into the test's temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sshdash")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build sshdash: %v\n%s", err, out)
	}
	return bin
}

// needTmuxE2E skips the test without tmux (fails it under
// SSHDASH_INTEGRATION=1).
func needTmuxE2E(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if testenv.Enabled() {
			t.Fatalf("%s=1 but tmux is missing", testenv.Var)
		}
		t.Skip("tmux not installed")
	}
}

// e2eEnv is sshdash's environment in a test: XDG config and state in the
// private directory state, a known TERM and a UTF-8 locale, then extra.
func e2eEnv(state string, extra ...string) []string {
	return append([]string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}, extra...)
}

// writeSettings writes body as sshdash's settings file (config.toml) in
// the XDG config directory state.
func writeSettings(t *testing.T, state, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(state, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "sshdash", "config.toml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sshdashCmd is `sshdash ARGS` with env added to the test's environment,
// for the commands that need no terminal (sessions, connect --resume NAME
// of a gone session).
func sshdashCmd(bin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// listSessions runs `sshdash sessions --json -F cfg host` and returns its
// rows.
func listSessions(t *testing.T, bin string, env []string, cfg, host string) []sessionRow {
	t.Helper()
	out, err := sshdashCmd(bin, env, "sessions", "--json", "-F", cfg, host).Output()
	if err != nil {
		t.Fatalf("sshdash sessions: %v\n%s", err, out)
	}
	var rows []sessionRow
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("sshdash sessions --json: %v\n%s", err, out)
	}
	return rows
}

// startDemo starts the demo's servers (in a private directory unless
// opts.Dir is set); they are closed at the test's end.
func startDemo(t *testing.T, opts demo.Options) *demo.Demo {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	d, err := demo.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// demoTerm starts the demo's servers and runs `sshdash ARGS` against their
// config (args with %s for the config path) in a tmux pane of its own, with
// private XDG directories. It returns the pane and the demo.
func demoTerm(t *testing.T, args string, extraEnv ...string) (*tmuxTerm, *demo.Demo) {
	t.Helper()
	needTmuxE2E(t)
	bin := buildBinary(t)
	d := startDemo(t, demo.Options{})
	env := e2eEnv(t.TempDir(), extraEnv...)
	return startTerm(t, env, bin+" "+fmt.Sprintf(args, d.ConfigPath)), d
}

// tmuxLeft reports whether the demo's private tmux servers under dir (one
// per host) still have sessions.
func tmuxLeft(dir string) bool {
	socks, _ := filepath.Glob(filepath.Join(dir, "tmux", "*", "tmux-*", "*"))
	for _, s := range socks {
		if out, err := exec.Command("tmux", "-S", s, "ls").Output(); err == nil && len(strings.TrimSpace(string(out))) > 0 {
			return true
		}
	}
	return false
}

// keyedSSHD starts a real sshd that lets the current user in with a fresh
// ed25519 key, with extra sshd_config lines; it returns the server and the
// private key's path.
func keyedSSHD(t *testing.T, extra ...string) (*sshdtest.Server, string) {
	t.Helper()
	key := filepath.Join(t.TempDir(), "id_ed25519")
	pub, err := sshdtest.GenerateKey(key, "ed25519", "")
	if err != nil {
		t.Fatal(err)
	}
	return sshdtest.Start(t, sshdtest.Options{AuthorizedKeys: []ssh.PublicKey{pub}, Extra: extra}), key
}

// sshdConfig writes an ssh_config for sshdash with host "h" on srv, as
// root with key (and extra lines in the Host block), and returns its path.
func sshdConfig(t *testing.T, srv *sshdtest.Server, key string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ssh_config")
	body := fmt.Sprintf(`Host h
  HostName 127.0.0.1
  Port %d
  User root
  IdentityFile %s
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking accept-new
  ConnectTimeout 10
`, srv.Port(), key, filepath.Join(dir, "known_hosts"))
	for _, line := range extra {
		body += "  " + line + "\n"
	}
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// pinnedSSHDConfig writes, in dir, a known_hosts file that holds srv's host
// key and an ssh_config with one host, alias, on srv as the current user
// with key and StrictHostKeyChecking yes, then the extra lines (indented
// by the caller's choice). It returns the ssh_config's path.
func pinnedSSHDConfig(t *testing.T, dir string, srv *sshdtest.Server, key, alias string, extra ...string) string {
	t.Helper()
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	known := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[%s]:%d %s", srv.Host(), srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "ssh_config")
	cfg := fmt.Sprintf(`Host %s
  HostName %s
  Port %d
  User %s
  IdentityFile %s
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
`, alias, srv.Host(), srv.Port(), me.Username, key, known)
	for _, l := range extra {
		cfg += l + "\n"
	}
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath
}

// tmuxTerm drives the real sshdash binary in a real terminal: a tmux pane.
type tmuxTerm struct {
	t    *testing.T
	name string
	sock string
}

// startTerm runs command in a new tmux server of its own, 120×36. The pane
// prints SSHDASH-EXITED=<status> when the command ends.
func startTerm(t *testing.T, env []string, command string) *tmuxTerm {
	t.Helper()
	tm := &tmuxTerm{t: t, name: "e2e", sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", tm.sock, "-f", "/dev/null", "new-session", "-d", "-s", tm.name, "-x", "120", "-y", "36"}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	args = append(args, command+"; echo SSHDASH-EXITED=$?; sleep 60")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(tm.kill)
	return tm
}

// kill ends the pane's tmux server and waits (up to 15 s) until every
// process that ran in the pane has exited: sshdash still writing its
// state while it exits would race the removal of the test's temporary
// directories, which are cleaned up after this.
func (tm *tmuxTerm) kill() {
	var procs []string
	if out, err := exec.Command("tmux", "-S", tm.sock, "display", "-p", "-t", tm.name, "#{pane_pid}").Output(); err == nil {
		procs = descendants(strings.TrimSpace(string(out)))
	}
	exec.Command("tmux", "-S", tm.sock, "kill-server").Run()
	deadline := time.Now().Add(15 * time.Second)
	for _, pid := range procs {
		for processAlive(pid) {
			if time.Now().After(deadline) {
				tm.t.Logf("process %s from the pane still runs 15 s after its tmux server was killed", pid)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// descendants is pid and all its descendants.
func descendants(pid string) []string {
	all := []string{pid}
	for i := 0; i < len(all); i++ {
		out, _ := exec.Command("pgrep", "-P", all[i]).Output()
		all = append(all, strings.Fields(string(out))...)
	}
	return all
}

func (tm *tmuxTerm) screen() string {
	out, _ := exec.Command("tmux", "-S", tm.sock, "capture-pane", "-p", "-t", tm.name).Output()
	return string(out)
}

func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	args := append([]string{"-S", tm.sock, "send-keys", "-t", tm.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		tm.t.Fatalf("send-keys %q: %v\n%s", keys, err, out)
	}
	time.Sleep(150 * time.Millisecond)
}

func (tm *tmuxTerm) text(s string) { tm.keys("-l", s) }

// waitFor waits until the screen shows every part.
func (tm *tmuxTerm) waitFor(what string, parts ...string) string {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := tm.screen()
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(s, p)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting for %s (%q); the screen shows:\n%s", what, parts, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitLong is tmuxTerm.waitFor with a bound of the caller's choice.
func (tm *tmuxTerm) waitLong(what string, d time.Duration, part string) {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(tm.screen(), part) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("waiting %s for %s (%q); the screen shows:\n%s", d, what, part, tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// display reads tmux's view of the pane's terminal (its format variables).
func (tm *tmuxTerm) display(format string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", "-S", tm.sock, "display", "-p", "-t", tm.name, format).Output()
	if err != nil {
		tm.t.Fatalf("tmux display %q: %v", format, err)
	}
	return strings.TrimSpace(string(out))
}

// waitDisplay waits until display(format) is want.
func (tm *tmuxTerm) waitDisplay(what, format, want string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := tm.display(format)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("%s: %s is %q, want %q; the screen shows:\n%s", what, format, got, want, tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sshdashPIDs returns the PIDs of sshdash's two processes in the pane: the
// guard (the pane shell's child) and the program under it.
func (tm *tmuxTerm) sshdashPIDs() (guard, app string) {
	tm.t.Helper()
	guard = childOf(tm.t, tm.display("#{pane_pid}"))
	return guard, childOf(tm.t, guard)
}

// killApp kills sshdash's process under the guard (SIGKILL: a crash, as
// seen from outside); the pane's shell runs the guard.
func (tm *tmuxTerm) killApp() {
	tm.t.Helper()
	_, app := tm.sshdashPIDs()
	if out, err := exec.Command("kill", "-KILL", app).CombinedOutput(); err != nil {
		tm.t.Fatalf("kill %s: %v %s", app, err, out)
	}
}

// childOf returns the PID of the only child of pid.
func childOf(t *testing.T, pid string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("pgrep", "-P", pid).Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			return f[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("process %s has no child", pid)
	return ""
}

// shellPID asks the shell in tm for its PID ($$).
func shellPID(t *testing.T, tm *tmuxTerm, tag string) string {
	t.Helper()
	tm.text(fmt.Sprintf("echo %s-pid-$$-end", tag))
	tm.keys("Enter")
	re := regexp.MustCompile(tag + `-pid-(\d+)-end`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := re.FindStringSubmatch(tm.screen()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PID from the %s shell:\n%s", tag, tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// connectRun is `sshdash connect ARGS` run by the real binary in a tmux
// pane of its own (a real terminal), with its standard error in a file.
type connectRun struct {
	tm     *tmuxTerm
	stderr string
}

func startConnect(t *testing.T, bin, args string) *connectRun {
	t.Helper()
	state := t.TempDir()
	stderr := filepath.Join(state, "stderr")
	tm := startTerm(t, e2eEnv(state), fmt.Sprintf("%s connect %s 2>%s", bin, args, stderr))
	return &connectRun{tm: tm, stderr: stderr}
}

func (c *connectRun) errText() string {
	b, _ := os.ReadFile(c.stderr)
	return string(b)
}

// waitExit waits until sshdash has exited, at most within, and returns its
// exit status line as the pane shows it.
func (c *connectRun) waitExit(t *testing.T, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		s := c.tm.screen()
		if i := strings.Index(s, "SSHDASH-EXITED="); i >= 0 {
			return strings.Fields(s[i:])[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("sshdash did not exit within %s; stderr:\n%s\nscreen:\n%s", within, c.errText(), c.tm.screen())
	return ""
}

// tmuxSSHD starts a real sshd (keyedSSHD, with extra sshd_config lines)
// whose sessions keep their tmux under a private TMUX_TMPDIR in a fresh
// directory (sshd_config SetEnv), so other tests' private tmux servers are
// neither seen nor touched; the tmux servers started there are killed at
// cleanup. It returns the server, the key, the directory and the
// TMUX_TMPDIR.
func tmuxSSHD(t *testing.T, extra ...string) (srv *sshdtest.Server, key, dir, tmuxDir string) {
	t.Helper()
	dir = t.TempDir()
	tmuxDir = filepath.Join(dir, "tmux")
	if err := os.MkdirAll(tmuxDir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		socks, _ := filepath.Glob(filepath.Join(tmuxDir, "tmux-*", "*"))
		for _, s := range socks {
			_ = exec.Command("tmux", "-S", s, "kill-server").Run()
		}
	})
	srv, key = keyedSSHD(t, append([]string{"SetEnv TMUX_TMPDIR=" + tmuxDir}, extra...)...)
	return srv, key, dir, tmuxDir
}
