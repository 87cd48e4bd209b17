package session

import (
	"os"
	"os/exec"
	"strings"
	"testing"

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

// TestExecLineEveryShell runs execLine under every login shell sshd may
// use: each must hand the script to /bin/sh unchanged, whatever it holds.
func TestExecLineEveryShell(t *testing.T) {
	// As long as the real wrapper, so that shells with a word limit fail here.
	payload := "it's \"$HOME\" \\ $(x) `y` ! !! %s %% \t tab é 日本\nsecond line\n" + strings.Repeat("long line of the script;\n", 250)
	script := "printf '%s' " + shellQuote(payload) + "; exit 3\n"
	line := execLine(script)
	if strings.ContainsAny(line, "\n!") {
		t.Fatalf("exec line holds a newline or '!': %q", line)
	}
	for _, sh := range [][]string{{"sh"}, {"dash"}, {"bash"}, {"zsh"}, {"fish"}, {"tcsh"}, {"csh"}, {"bsd-csh"}, {"busybox", "sh"}} {
		path, err := exec.LookPath(sh[0])
		if err != nil {
			if testenv.Enabled() && sh[0] != "csh" && sh[0] != "bsd-csh" && sh[0] != "dash" {
				t.Errorf("%s=1 but %s is missing", testenv.Var, sh[0])
			}
			continue
		}
		args := append(append([]string{}, sh[1:]...), "-c", line)
		cmd := exec.Command(path, args...)
		cmd.Env = append(os.Environ(), "HOME=/nonexistent")
		out, err := cmd.Output()
		var ee *exec.ExitError
		if !errorsAs(err, &ee) || ee.ExitCode() != 3 {
			t.Errorf("%v: exit %v, want 3 (output %q)", sh, err, out)
		}
		if string(out) != payload {
			t.Errorf("%v: script saw %q, want %q", sh, out, payload)
		}
	}
}
