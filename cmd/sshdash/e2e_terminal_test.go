package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

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
	cfgPath = pinnedSSHDConfig(t, dir, srv, key, "target",
		"  RequestTTY yes",
		"  RemoteCommand env PS1='R$ ' bash --norc --noprofile -i")
	state := filepath.Join(dir, "state")
	writeSettings(t, state, "reattach = \"none\"\n")
	return cfgPath, e2eEnv(state)
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
