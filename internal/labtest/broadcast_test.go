package labtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/internal/netlab"
	"github.com/sshdash/sshdash/internal/testenv"
)

// bcPorts are the lab server's ports of the broadcast test's three hosts:
// one port each, so that one host can be blackholed alone.
var bcPorts = []int{2201, 2202, 2203}

// The broadcast end to end, with the real binary in a terminal
// (a private tmux server) against the lab's sshd: three sessions marked,
// the third one's path blackholed. A broadcast line runs on the two that
// are up; the third is reported skipped in the status line and its event
// log, and after the path is back and it has reconnected, the line still
// never ran there, while the next line runs on all three, and so do keys
// typed in live mode.
func TestLabBroadcastSkipsBlackholedSession(t *testing.T) {
	lab := netlab.Enter(t, netlab.Options{NATTimeout: 60 * time.Second})
	if lab == nil {
		return
	}
	watchdog(t, 4*time.Minute)
	testenv.Need(t, "tmux", "go")
	for _, p := range bcPorts {
		lab.ForwardPort(t, p)
	}
	dir := t.TempDir()
	cfg := bcConfig(t, lab, dir)
	bin := filepath.Join(dir, "sshdash")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sshdash/sshdash/cmd/sshdash").CombinedOutput(); err != nil {
		t.Fatalf("build sshdash: %v\n%s", err, out)
	}
	// Files the broadcast lines create on the server (same file system):
	// unique to this run, removed after it.
	tag := fmt.Sprintf("bc-%d-%d", os.Getpid(), time.Now().UnixNano())
	file := func(n int, host string) string { return filepath.Join("/tmp", fmt.Sprintf("%s-%d-%s", tag, n, host)) }
	t.Cleanup(func() {
		m, _ := filepath.Glob(filepath.Join("/tmp", tag+"-*"))
		for _, f := range m {
			os.Remove(f)
		}
	})

	endRemoteOnCleanup(t)
	// The settings users have by default: reattach under tmux, so after
	// the reconnect bc3 is the same shell, where a line kept back by
	// sshdash would show up. (An empty settings file: nothing of the
	// machine's own.)
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "sshdash", "config.toml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tm := startPane(t, []string{"XDG_CONFIG_HOME=" + xdg, "XDG_STATE_HOME=" + xdg, "TERM=xterm-256color", "LANG=C.UTF-8"}, bin+" -F "+cfg)
	tm.quitOnCleanup()
	tm.waitFor("the host list", 20*time.Second, "bc1", "bc2", "bc3")
	tm.keys("*") // mark every host …
	tm.keys("o") // … and open them in the background
	tm.waitFor("three sessions up", 60*time.Second, "Sessions 3", "● 3 up")
	tm.keys("Tab")
	// Each shell is ready once it shows its prompt.
	for i, h := range []string{"bc1", "bc2", "bc3"} {
		if i > 0 {
			tm.keys("j")
		}
		tm.waitFor(h+"'s shell", 60*time.Second, fmt.Sprintf("#%d %s ·", i+1, h), "│# ", "reattach tmux")
	}
	tm.keys("g")
	tm.keys("*")
	tm.waitFor("the marks", 10*time.Second, "✓ bc1", "✓ bc2", "✓ bc3")

	lab.BlackholePort(t, bcPorts[2])
	blackholed := true
	defer func() {
		if blackholed {
			lab.UnblackholePort(t, bcPorts[2])
		}
	}()
	tm.waitFor("bc3 no longer up", 20*time.Second, "● 2 up")
	tm.keys("b")
	tm.waitFor("the broadcast editor", 10*time.Second, "⇶ to 2 of 3 session(s): 1 skipped")
	tm.text("touch " + file(1, "$BCHOST"))
	tm.waitFor("the line in the editor", 10*time.Second, "› touch /tmp/"+tag)
	tm.keys("Enter")
	tm.waitFor("the skip report", 10*time.Second, "sent to 2 of 3; skipped: bc3 (")
	tm.waitCreated(file(1, "bc1"), 10*time.Second)
	tm.waitCreated(file(1, "bc2"), 10*time.Second)
	if !fileGone(file(1, "bc3")) {
		t.Fatal("the blackholed session ran the line")
	}

	lab.UnblackholePort(t, bcPorts[2])
	blackholed = false
	tm.waitFor("bc3 up again", 60*time.Second, "● 3 up")
	time.Sleep(2 * time.Second) // time for anything kept back to arrive
	if !fileGone(file(1, "bc3")) {
		t.Fatal("the line skipped while bc3 was blackholed ran after it came back")
	}
	tm.text("touch " + file(2, "$BCHOST"))
	tm.waitFor("the second line in the editor", 10*time.Second, "› touch /tmp/"+tag)
	tm.keys("Enter")
	tm.waitFor("the second line reaching all", 10*time.Second, "sent to 3 session(s)")
	for _, h := range []string{"bc1", "bc2", "bc3"} {
		tm.waitCreated(file(2, h), 10*time.Second)
	}
	if !fileGone(file(1, "bc3")) {
		t.Fatal("the skipped line ran on bc3 after all")
	}

	// Live mode: the keys as typed, to all three, until ctrl+^.
	tm.keys("Escape")
	tm.keys("B")
	tm.waitFor("the live banner", 10*time.Second, "broadcasting to 3 of 3 session(s)")
	tm.text("touch " + file(3, "$BCHOST"))
	tm.keys("Enter")
	for _, h := range []string{"bc1", "bc2", "bc3"} {
		tm.waitCreated(file(3, h), 10*time.Second)
	}
	tm.keys("C-^")
	tm.waitFor("the end of live mode", 10*time.Second, "live broadcast ended", "Hosts 3")

	// bc3's event log says what it missed.
	tm.keys("G") // the last row: bc3
	tm.keys("l")
	tm.waitFor("bc3's event log", 10*time.Second, "broadcast line not sent: the session was")
	tm.keys("Escape")

	// Quit, closing the sessions (their remote tmux sessions end).
	tm.keys("q")
	tm.waitFor("the quit question", 10*time.Second, "Close 3 open sessions and quit?")
	tm.keys("y")
	tm.waitFor("sshdash to exit", 20*time.Second, "SSHDASH-EXITED=0")
}

// endRemoteOnCleanup ends, after the test, the remote tmux sessions of
// hosts bc1–bc3 that this run created and sshdash's quit could not end in
// time (a loaded machine): they are on the server's shared private tmux
// server, where nothing else uses those aliases.
func endRemoteOnCleanup(t *testing.T) {
	since := time.Now().Add(-time.Second).Unix()
	t.Cleanup(func() {
		out, err := exec.Command("tmux", "-L", "sshdash", "ls", "-F", "#{session_name} #{@sdalias} #{session_created}").Output()
		if err != nil {
			return // no server: nothing left
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) != 3 || !strings.HasPrefix(f[1], "bc") {
				continue
			}
			if created, err := strconv.ParseInt(f[2], 10, 64); err == nil && created >= since {
				t.Logf("ending remote session %s (%s) that the quit left", f[0], f[1])
				exec.Command("tmux", "-L", "sshdash", "kill-session", "-t", "="+f[0]).Run()
			}
		}
	})
}

// quitOnCleanup makes sure a failed test still quits sshdash by its quit
// question, closing its sessions, so that their remote tmux sessions do
// not stay behind on the lab server (a killed dashboard leaves them
// running, as it should for a user).
func (p *pane) quitOnCleanup() {
	p.t.Cleanup(func() {
		if strings.Contains(p.screen(), "SSHDASH-EXITED=") {
			return
		}
		for _, k := range []string{"C-^", "Escape", "Escape", "q"} {
			exec.Command("tmux", "-S", p.sock, "send-keys", "-t", "bc", k).Run()
			time.Sleep(200 * time.Millisecond)
		}
		exec.Command("tmux", "-S", p.sock, "send-keys", "-t", "bc", "y").Run()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) && !strings.Contains(p.screen(), "SSHDASH-EXITED=") {
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// bcConfig writes an ssh_config with hosts bc1–bc3 on bcPorts (their
// shells export BCHOST, so one broadcast line names a file per host) and a
// known_hosts with the lab's host key on those ports.
func bcConfig(t *testing.T, lab *netlab.Lab, dir string) string {
	t.Helper()
	kh, err := os.ReadFile(lab.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(strings.TrimSpace(string(kh)), "\n", 2)[0]
	f := strings.Fields(first)
	if len(f) < 3 {
		t.Fatalf("lab known_hosts: %q", first)
	}
	var khb, cfg strings.Builder
	for i, p := range bcPorts {
		fmt.Fprintf(&khb, "[%s]:%d %s %s\n", netlab.ServerIP, p, f[1], f[2])
		fmt.Fprintf(&cfg, `Host bc%d
  HostName %s
  Port %d
  User root
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ServerAliveInterval 1
  ServerAliveCountMax 3
  RequestTTY yes
  RemoteCommand BCHOST=bc%d exec /bin/sh -i
`, i+1, netlab.ServerIP, p, lab.Key, filepath.Join(dir, "known_hosts"), i+1)
	}
	if err := os.WriteFile(filepath.Join(dir, "known_hosts"), []byte(khb.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pane is the real binary in a terminal: a window of a private tmux
// server (its socket in the test's directory, killed at the end).
type pane struct {
	t    *testing.T
	sock string
}

func startPane(t *testing.T, env []string, command string) *pane {
	t.Helper()
	p := &pane{t: t, sock: filepath.Join(t.TempDir(), "tmux.sock")}
	args := []string{"-S", p.sock, "-f", "/dev/null", "new-session", "-d", "-s", "bc", "-x", "120", "-y", "36"}
	for _, kv := range env {
		args = append(args, "-e", kv)
	}
	args = append(args, command+"; echo SSHDASH-EXITED=$?; sleep 60")
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", p.sock, "kill-server").Run() })
	return p
}

func (p *pane) screen() string {
	out, _ := exec.Command("tmux", "-S", p.sock, "capture-pane", "-p", "-t", "bc").Output()
	return string(out)
}

func (p *pane) keys(keys ...string) {
	p.t.Helper()
	args := append([]string{"-S", p.sock, "send-keys", "-t", "bc"}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		p.t.Fatalf("send-keys %q: %v\n%s", keys, err, out)
	}
	time.Sleep(150 * time.Millisecond)
}

func (p *pane) text(s string) { p.keys("-l", s) }

// waitFor waits until the screen shows every part.
func (p *pane) waitFor(what string, timeout time.Duration, parts ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := p.screen()
		ok := true
		for _, part := range parts {
			ok = ok && strings.Contains(s, part)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waiting for %s (%q); the screen shows:\n%s", what, parts, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitCreated waits until path exists (touch makes it empty).
func (p *pane) waitCreated(path string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for fileGone(path) {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s was not created within %s; the screen shows:\n%s", path, timeout, p.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
