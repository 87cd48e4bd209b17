package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sshdash/sshdash/internal/sshtest"
)

// cmdExeSays is what Windows' cmd.exe prints for a command it cannot run.
const cmdExeSays = "'/bin/sh' is not recognized as an internal or external command,"

// newCmdExeFixture is a lifecycle fixture whose server runs every exec
// request as Windows OpenSSH with cmd.exe does the wrapper's line: it
// prints cmd.exe's complaint and exits 1 before any marker. Its shell
// request works (a POSIX shell standing in for cmd.exe's prompt).
func newCmdExeFixture(t *testing.T) *fixture {
	t.Helper()
	shell := filepath.Join(t.TempDir(), "cmdexe")
	script := "#!/bin/sh\nif [ \"$1\" = -c ]; then printf '%s\\r\\noperable program or batch file.\\r\\n' \"" + cmdExeSays + "\"; exit 1; fi\nexec /bin/sh\n"
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return newFixtureWith(t, sshtest.Options{Shell: shell, Env: []string{"PS1=C:\\> "}})
}

// A cmd.exe-like server (the exec of the wrapper fails with status 1
// before any marker): the session falls back to a plain shell request,
// shows the server's message and why the shell will not survive a drop,
// never the script, and the shell's exit status comes back.
func TestSessionCmdExeServerFallsBackToShell(t *testing.T) {
	checkLeaks(t)
	f := newCmdExeFixture(t)
	m, ev := newWatchedManager(t)
	s := m.Open(f.options(ReattachAuto))
	ev.waitState(t, Up)
	if got := s.Status().Reattach; got != "none" {
		t.Fatalf("reattach %q, want none; log:\n%s", got, logText(s))
	}
	screenHas(t, s, cmdExeSays)
	screenFlatHas(t, s, "starting a plain shell (it will not survive a drop)")
	if log := logText(s); !strings.Contains(log, "did not run sshdash's wrapper (exit status 1)") || !strings.Contains(log, "a drop loses") {
		t.Errorf("the log does not say why there is no reattach:\n%s", log)
	}
	s.Write([]byte("echo answer=$((6*7))\r"))
	screenHas(t, s, "answer=42")
	if text := strings.Join(s.ScreenText(), "\n"); strings.Contains(text, "/bin/sh -c") || strings.Contains(text, "printf") || strings.Contains(text, "eval") {
		t.Errorf("the wrapper reached the screen:\n%s", text)
	}
	exitShell(t, s, 4)
}
