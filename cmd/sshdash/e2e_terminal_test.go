package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

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

// sshdTerm starts a real sshd that lets the current user in with a fresh
// key, and an ssh config and settings for it (host "target", no reattach
// wrapper, so the remote shell's sequences reach the terminal as they
// would through ssh, and a known prompt "R$ "; RequestTTY yes, as ssh needs
// for an interactive RemoteCommand). It returns the config path
// and the environment for sshdash.
func sshdTerm(t *testing.T) (cfgPath string, env []string) {
	t.Helper()
	dir := t.TempDir()
	srv, key := keyedSSHD(t)
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	known := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[%s]:%d %s", srv.Host(), srv.Port(), ssh.MarshalAuthorizedKey(srv.HostKey()))
	if err := os.WriteFile(known, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "ssh_config")
	cfg := fmt.Sprintf(`Host target
  HostName %s
  Port %d
  User %s
  IdentityFile %s
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile %s
  StrictHostKeyChecking yes
  RequestTTY yes
  RemoteCommand env PS1='R$ ' bash --norc --noprofile -i
`, srv.Host(), srv.Port(), me.Username, key, known)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	if err := os.MkdirAll(filepath.Join(state, "sshdash"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "sshdash", "config.toml"), []byte("reattach = \"none\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, []string{"XDG_CONFIG_HOME=" + state, "XDG_STATE_HOME=" + state, "TERM=xterm-256color", "LANG=C.UTF-8"}
}

// killApp kills sshdash's process under the guard (SIGKILL: a crash, as
// seen from outside); the pane's shell runs the guard.
func (tm *tmuxTerm) killApp() {
	tm.t.Helper()
	guard := childOf(tm.t, tm.display("#{pane_pid}"))
	app := childOf(tm.t, guard)
	if out, err := exec.Command("kill", "-KILL", app).CombinedOutput(); err != nil {
		tm.t.Fatalf("kill %s: %v %s", app, err, out)
	}
}

// lineIndex is the index of the first screen line containing s, or -1.
func lineIndex(lines []string, s string) int {
	for i, l := range lines {
		if strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// Issue 13: a remote prints output, then leaves insert mode on, autowrap
// off, origin mode on and the DEC graphics charset in G0. After its shell
// exits (also with status 2, which the guard took for a Go panic), after
// a detach and quit, and after sshdash is killed while attached or while
// the dashboard is up (the guard puts the terminal in order), the outer
// terminal (a tmux pane) is back to insert off, wrap on, origin off, main
// screen, and what is printed next lands below the remote's output in
// ASCII: not on the first line (the scroll-region reset homed the
// cursor), not inserted, not in line drawing characters.
func TestEndToEndTerminalLeftAsFound(t *testing.T) {
	needTmuxE2E(t)
	cfg, env := sshdTerm(t)
	bin := buildBinary(t)
	const flags = "#{insert_flag} #{wrap_flag} #{origin_flag} #{alternate_on}"
	for _, how := range []string{"exit", "exit-2", "detach-quit", "kill-attached", "kill-dashboard"} {
		t.Run(how, func(t *testing.T) {
			tm := startTerm(t, env, fmt.Sprintf("%s connect -F %s target; echo after-exit-abc", bin, cfg))
			tm.waitFor("the remote shell", "R$")
			tm.text(`clear; seq 1 5; echo LAST-OUTPUT; printf '\033[4h\033[?7l\033[?6h\033(0\033[7;1H'`)
			tm.keys("Enter")
			tm.waitFor("the remote's output", "LAST-OUTPUT")
			// The remote's modes really reached the outer terminal.
			tm.waitDisplay("while attached", flags, "1 0 1 0")
			switch how {
			case "exit":
				tm.text("exit")
				tm.keys("Enter")
			case "exit-2":
				tm.text("exit 2")
				tm.keys("Enter")
			case "kill-attached":
				tm.killApp()
			case "kill-dashboard":
				tm.keys("C-^", "d")
				tm.waitFor("the dashboard", "Sessions 1")
				tm.killApp()
			case "detach-quit":
				tm.keys("C-^", "d")
				tm.waitFor("the dashboard", "Sessions 1")
				if got := tm.display("#{insert_flag} #{origin_flag}"); got != "0 0" {
					t.Errorf("in the dashboard after detaching, insert and origin flags are %q, want \"0 0\"", got)
				}
				tm.keys("q")
				tm.waitFor("the quit question", "Close 1 open session and quit?")
				tm.keys("y")
			}
			s := tm.waitFor("sshdash to exit", "SSHDASH-EXITED=")
			tm.waitDisplay("after sshdash exited", flags, "0 1 0 0")
			lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
			last, after := lineIndex(lines, "LAST-OUTPUT"), lineIndex(lines, "after-exit-abc")
			if last < 0 || after <= last {
				t.Fatalf("what was printed after sshdash (line %d) is not below the remote's last output (line %d), or is not in ASCII:\n%s", after, last, s)
			}
			if strings.TrimSpace(lines[0]) != "1" {
				t.Errorf("the first line was overwritten: %q\n%s", lines[0], s)
			}
			if how != "exit" && how != "exit-2" {
				if prompt := lineIndex(lines, "R$"); after <= prompt {
					t.Errorf("after quitting, the next output (line %d) is not below the remote's prompt (line %d):\n%s", after, prompt, s)
				}
			}
			// The shell's own output follows on the next line: the cursor
			// is where that output ended.
			y, err := strconv.Atoi(tm.display("#{cursor_y}"))
			if err != nil || y != lineIndex(lines, "SSHDASH-EXITED=")+1 {
				t.Errorf("cursor on line %d (%v), want the one after SSHDASH-EXITED:\n%s", y, err, s)
			}
		})
	}
}
