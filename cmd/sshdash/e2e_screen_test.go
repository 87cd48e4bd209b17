package main

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The dashboard's screen (ui/screen) in the real binary, seen from the
// outer terminal (a tmux pane): while the dashboard is up the pane is on
// the alternate screen with the cursor hidden and mouse reporting on;
// attaching hands the terminal over with the cursor shown and mouse
// reporting off; a window resized while attached finds the dashboard
// redrawn at the new size after detaching; quitting leaves the pane as it
// was, with the cursor where sshdash's exit left it.
func TestEndToEndScreenModesAndHandOver(t *testing.T) {
	needTmuxE2E(t)
	cfg, env := sshdTerm(t)
	bin := buildBinary(t)
	tm := startTerm(t, env, fmt.Sprintf("%s -F %s", bin, cfg))
	const flags = "#{alternate_on} #{cursor_flag} #{mouse_button_flag} #{mouse_sgr_flag}"
	tm.waitFor("the dashboard", "Hosts 1", "target")
	tm.waitDisplay("dashboard up", flags, "1 0 1 1")

	tm.keys("Enter") // connect to target and attach
	tm.waitFor("the remote shell", "R$")
	tm.waitDisplay("attached", flags, "0 1 0 0")
	tm.text("echo attached-$((40+2))")
	tm.keys("Enter")
	tm.waitFor("the remote's output", "attached-42")

	// The window changes size while the session has the terminal.
	if out, err := exec.Command("tmux", "-S", tm.sock, "resize-window", "-t", tm.name, "-x", "100", "-y", "30").CombinedOutput(); err != nil {
		t.Fatalf("resize-window: %v %s", err, out)
	}
	tm.keys("C-^", "d")
	tm.waitFor("the dashboard again", "Sessions 1")
	tm.waitDisplay("dashboard back", flags, "1 0 1 1")
	// Drawn at 100×30: the key hints are on the last of 30 rows, and no
	// row is wider than 100 columns.
	deadline := time.Now().Add(20 * time.Second)
	for {
		lines := strings.Split(strings.TrimRight(tm.screen(), "\n"), "\n")
		ok := len(lines) == 30 && strings.Contains(lines[29], "quit")
		for _, l := range lines {
			ok = ok && len([]rune(l)) <= 100
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard was not redrawn at 100×30 after the detach:\n%s", tm.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}

	tm.keys("q")
	tm.waitFor("the quit question", "Close 1 open session and quit?")
	tm.keys("y")
	s := tm.waitFor("sshdash to exit", "SSHDASH-EXITED=0")
	tm.waitDisplay("after sshdash exited", flags, "0 1 0 0")
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if y := tm.display("#{cursor_y}"); y != fmt.Sprint(lineIndex(lines, "SSHDASH-EXITED=")+1) {
		t.Errorf("cursor on line %s, want the one after SSHDASH-EXITED:\n%s", y, s)
	}
}
