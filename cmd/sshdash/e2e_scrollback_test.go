package main

import (
	"fmt"
	"strings"
	"testing"
)

// Issue 16: attached to a shell in the private tmux (as every session
// with reattach runs), `seq 1 300` scrolls most of its lines past a
// screen that tmux redraws rather than scrolls; the scrollback view
// (prefix [) still shows them, line 150 included, and leaving it puts
// the live screen back.
func TestEndToEndScrollbackView(t *testing.T) {
	needTmuxE2E(t)
	cfg, env := sshdTerm(t)
	writeSettings(t, strings.TrimPrefix(env[0], "XDG_CONFIG_HOME="), "reattach = \"tmux\"\n")
	bin := buildBinary(t)
	tm := startTerm(t, env, fmt.Sprintf("%s connect -F %s target", bin, cfg))
	tm.waitFor("the remote shell", "R$")
	tm.text("seq 1 300; echo SEQ-DONE")
	tm.keys("Enter")
	tm.waitFor("the output", "SEQ-DONE")
	tm.keys("C-^", "[")
	tm.waitFor("the scrollback view", "scrollback", "of ")
	tm.text("/150")
	tm.keys("Enter")
	s := tm.waitFor("the search", "scrollback")
	found := false
	for _, l := range strings.Split(s, "\n") {
		found = found || strings.TrimSpace(l) == "150"
	}
	if !found {
		t.Fatalf("line 150 not shown in the scrollback view:\n%s", s)
	}
	tm.text("q")
	tm.text("echo BACK-LIVE")
	tm.keys("Enter")
	s = tm.waitFor("the live shell again", "BACK-LIVE")
	if strings.Contains(s, "scrollback") {
		t.Fatalf("the view is still on the screen:\n%s", s)
	}
	tm.text("exit")
	tm.keys("Enter")
	tm.waitFor("sshdash to exit", "SSHDASH-EXITED=")
}
