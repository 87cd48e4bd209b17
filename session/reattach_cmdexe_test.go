package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/sshdash/sshdash/internal/sshtest"
	"github.com/sshdash/sshdash/keepalive"
)

// cmdExeSays is what Windows' cmd.exe prints for a command it cannot run.
const cmdExeSays = "'/bin/sh' is not recognized as an internal or external command,"

// newCmdExeFixture is a lifecycle fixture whose server runs every exec
// request as Windows OpenSSH with cmd.exe does the wrapper's line: it
// prints cmd.exe's complaint and exits 1 before any marker. Its shell
// request works (a POSIX shell standing in for cmd.exe's prompt).
func newCmdExeFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	key := writeKey(t, dir, "id", "")
	tmuxDir := filepath.Join(dir, "tmux")
	if err := os.MkdirAll(tmuxDir, 0o700); err != nil {
		t.Fatal(err)
	}
	shell := filepath.Join(dir, "cmdexe")
	script := "#!/bin/sh\nif [ \"$1\" = -c ]; then printf '%s\\r\\noperable program or batch file.\\r\\n' \"" + cmdExeSays + "\"; exit 1; fi\nexec /bin/sh\n"
	if err := os.WriteFile(shell, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, sshtest.Options{
		AuthorizedKeys: []ssh.PublicKey{key.Pub},
		Shell:          shell,
		Dir:            dir,
		Env:            []string{"PS1=C:\\> ", "TMUX_TMPDIR=" + tmuxDir},
		GlobalRequest: func(r *ssh.Request) bool {
			if r.Type == keepalive.RequestName {
				r.Reply(false, nil)
				return true
			}
			return false
		},
	})
	tg := testTarget(dir, srv.Port())
	tg.IdentityFiles = []string{key.Path}
	return &fixture{srv: srv, dir: dir, key: key, cut: &cutter{}, tmuxDir: tmuxDir, target: tg}
}

// A cmd.exe-like server (the exec of the wrapper fails with status 1
// before any marker): the session falls back to a plain shell request,
// shows the server's message and why the shell will not survive a drop,
// never the script, and the shell's exit status comes back.
func TestSessionCmdExeServerFallsBackToShell(t *testing.T) {
	checkLeaks(t)
	f := newCmdExeFixture(t)
	m := NewManager(nil, nil)
	ev := watch(m)
	defer ev.close()
	defer m.CloseAll(context.Background())
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
	s.Write([]byte("exit 4\r"))
	select {
	case <-s.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("session did not end when the shell exited")
	}
	if st := s.Status(); st.State != Closed || st.ExitStatus != 4 {
		t.Fatalf("state %s status %d, want closed with 4; log:\n%s", st.State, st.ExitStatus, logText(s))
	}
}
