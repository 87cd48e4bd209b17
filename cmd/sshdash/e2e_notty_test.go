package main

import (
	"strings"
	"testing"
)

// RequestTTY no behaves as ssh -T on the local side too: the terminal
// stays cooked, so what is typed is echoed and Enter ends a line; the
// remote shell (no PTY, no prompt) runs it and its output is shown; ^D
// reaches it as end of file, and sshdash exits with its status.
func TestEndToEndConnectRequestTTYNo(t *testing.T) {
	needTmuxE2E(t)
	srv, key := keyedSSHD(t)
	cfg := sshdConfig(t, srv, key, "RequestTTY no")
	bin := buildBinary(t)
	state := t.TempDir()
	tm := startTerm(t, e2eEnv(state), bin+" connect -F "+cfg+" h")
	// The shell prints no prompt without a PTY; the terminal echoes the line.
	tm.text("echo hi-$((6*7))")
	tm.keys("Enter")
	s := tm.waitFor("the command's output under the echoed line", "echo hi-$((6*7))", "hi-42")
	lines := strings.Split(s, "\n")
	if i, j := lineIndex(lines, "echo hi-"), lineIndex(lines, "hi-42"); i < 0 || j != i+1 {
		t.Fatalf("want the typed line (echoed by the cooked terminal) then the output on the next line:\n%s", s)
	}
	tm.text("sh -c 'exit 4'")
	tm.keys("Enter")
	tm.keys("C-d")
	tm.waitFor("the shell's status after ^D", "SSHDASH-EXITED=4")
}
