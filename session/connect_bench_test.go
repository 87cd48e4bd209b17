package session

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// sshdashBinary builds cmd/sshdash once per test binary run.
func sshdashBinary(b *testing.B) string {
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sshdash-bench-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "sshdash")
		if out, err := exec.Command("go", "build", "-o", binPath, "../cmd/sshdash").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if binErr != nil {
		b.Fatalf("build sshdash: %v", binErr)
	}
	return binPath
}

// openConnect runs `sshdash connect` in a local PTY against the fixture's
// sshd, with command as the RemoteCommand and no reattach wrapper, so the
// path measured is the user's: terminal → attach loop → session → sshd and
// back through the emulator to the terminal.
func openConnect(b *testing.B, f *sshdFixture, command string) *benchStream {
	b.Helper()
	dir := b.TempDir()
	cfg := fmt.Sprintf(`Host bench
  HostName 127.0.0.1
  Port %d
  User root
  IdentityFile %s
  IdentitiesOnly yes
  IdentityAgent none
  StrictHostKeyChecking no
  UserKnownHostsFile %s
  RequestTTY force
  RemoteCommand %s
`, f.sshd.Port(), f.key, filepath.Join(dir, "known_hosts"), command)
	if err := os.WriteFile(filepath.Join(dir, "ssh_config"), []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sshdash"), 0o700); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sshdash", "config.toml"), []byte("reattach = \"none\"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(sshdashBinary(b), "connect", "-F", filepath.Join(dir, "ssh_config"), "bench")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_STATE_HOME="+dir, "TERM=xterm-256color")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 24})
	if err != nil {
		b.Fatal(err)
	}
	return &benchStream{w: ptmx, r: ptmx, pid: cmd.Process.Pid, close: func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the guard and its child
		cmd.Process.Kill()
		cmd.Wait()
		ptmx.Close()
	}}
}
